"""docs/security.md: every row of the threat model points at a test, and every test it names exists.

A reference is `path::test_name` (a path under tests/, or a file name: beside the file named before it,
or found once under tests/), or `::test_name` for another test in the file named just before it.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`(?P<file>[\w/.]*)::(?P<test>test_\w+)(?:\[[^\]]*\])?`")


def rows_with_proof() -> list[str]:
    """The rows of every table that has a "proven by" column."""
    rows, in_table = [], False
    for line in DOC.read_text().splitlines():
        if not line.startswith("|"):
            in_table = False
        elif "proven by" in line:
            in_table = True
        elif in_table and not set(line) <= {"|", "-", " "}:
            rows.append(line)
    return rows


def resolve(name: str, current: Path | None) -> Path:
    if name.startswith("tests/"):
        return ROOT / name
    if current is not None and (current.parent / name).exists():
        return current.parent / name  # a file beside the one named before it
    found = list((ROOT / "tests").rglob(name))
    assert len(found) == 1, f"{name} matches {found}"
    return found[0]


def test_every_row_of_the_threat_model_points_at_a_test():
    rows = rows_with_proof()
    assert len(rows) > 40
    assert [row for row in rows if not REFERENCE.search(row)] == []


def test_every_test_the_threat_model_names_exists():
    missing, checked, current = [], 0, None
    for row in rows_with_proof():
        for match in REFERENCE.finditer(row):
            if match["file"]:
                current = resolve(match["file"], current)
            assert current is not None, f"::{match['test']} with no file before it"
            source = current.read_text()
            if not re.search(rf"^(async )?def {match['test']}\(", source, re.MULTILINE):
                missing.append(f"{current.relative_to(ROOT)}::{match['test']}")
            checked += 1
    assert missing == []
    assert checked > 100
