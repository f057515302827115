"""Every environment variable the code reads is in the README's configuration table and in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["peersupport", "core", "members", "groups", "sessions", "safeguarding", "charity"]
READ = re.compile(
    r'(?:os\.environ\.get|os\.getenv|envbool|envint|envlist)\(\s*"([A-Z][A-Z0-9_]+)"|os\.environ\["([A-Z][A-Z0-9_]+)"\]'
)
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "DJANGO_SUPERUSER_PASSWORD"}  # Django's own; the latter in operations.md


def variables_read() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in READ.finditer(path.read_text()):
                found.add(match.group(1) or match.group(2))
    return found - NOT_SETTINGS


def readme_table() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Configuration") :]
    return section[: section.index("\n## ", 3)]


def test_the_scan_finds_the_settings_we_know_of():
    assert {
        "DJANGO_SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "SAFEGUARDING_CONTACT_EMAIL",
        "LOG_FORMAT",
    } <= variables_read()


def test_every_variable_is_in_the_readme_table():
    rows = "\n".join(line for line in readme_table().splitlines() if line.startswith("|"))
    missing = sorted(name for name in variables_read() if f"`{name}`" not in rows)
    assert not missing, f"add to README.md's configuration table: {missing}"


def test_every_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in variables_read() if not re.search(rf"\b{name}\b", example))
    assert not missing, f"add to .env.example (commented out if docker-compose.yml sets it): {missing}"
