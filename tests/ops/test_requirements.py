"""The production image's requirements: every runtime dependency, pinned as in requirements.lock, no test tools."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"pytest", "playwright", "ruff", "bandit", "hypothesis", "py-spy", "pyinstrument", "axe-playwright-python"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    lines = [line.strip() for line in path.read_text().splitlines()]
    return {norm(line.split("==")[0]): line for line in lines if line and not line.startswith("#")}


def runtime_closure() -> set[str]:
    """Every distribution pyproject's runtime dependencies pull in, extras included, from what is installed."""
    roots = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    seen: set[tuple[str, frozenset]] = set()
    stack = [Requirement(root) for root in roots]
    while stack:
        requirement = stack.pop()
        key = (norm(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.distribution(requirement.name).requires or []:
            child = Requirement(text)
            extras = ["", *requirement.extras]
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in extras):
                stack.append(child)
    return {name for name, _ in seen}


def test_production_requirements_are_pinned_as_in_the_full_lock():
    full, production = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements.prod.lock")
    for name, line in production.items():
        assert full.get(name) == line, f"{line} differs from requirements.lock"


def test_production_requirements_hold_every_runtime_dependency_and_no_test_tool():
    production = set(pins(ROOT / "requirements.prod.lock"))
    missing = runtime_closure() - production
    assert not missing, f"add to requirements.prod.lock: {sorted(missing)}"
    assert not production & TOOLS
    assert not any(name.startswith("pytest") for name in production)


def test_the_image_installs_the_production_set():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.prod.lock" in dockerfile
    assert "requirements.lock" not in dockerfile.replace("requirements.prod.lock", "")
