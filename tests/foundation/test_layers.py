"""The layers between the apps (docs/architecture.md) hold, and import-linter would catch an upward import.

The contracts are in pyproject.toml ([tool.importlinter]); `make lint` and .ci/run check them too. The second
test copies the apps' Python files and the config to a temporary tree, adds one forbidden import, and checks
that the same contracts report it: a contract that cannot fail would prove nothing.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "charity", "members", "groups", "safeguarding", "sessions", "care", "wellbeing", "peersupport")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_the_apps_keep_to_their_layers_with_no_exceptions():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    # No contract may list an exception: an upward notice goes through a signal instead.
    assert "ignore_imports" not in (ROOT / "pyproject.toml").read_text()


def test_every_app_of_ours_is_in_the_layers():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert set(config["root_packages"]) == set(APPS)
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    named = {app.strip() for layer in layers for app in layer.split("|")}
    assert named == set(APPS)
    apps_on_disk = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps_on_disk <= set(APPS), f"a new app must take its place in the layers: {apps_on_disk - set(APPS)}"


INJECTED = [
    # (module, the forbidden import added to it, what import-linter must report)
    ("core/audit.py", "import safeguarding.models", "core is not allowed to import safeguarding"),
    ("members/models.py", "from groups import models as group_models", "members is not allowed to import groups"),
    ("safeguarding/services.py", "from sessions.room import models", "safeguarding is not allowed to import sessions"),
    ("sessions/services.py", "from care import services as care", "sessions is not allowed to import care"),
    ("wellbeing/services.py", "import care.models", "wellbeing is not allowed to import care"),
    ("safeguarding/tasks.py", "from safeguarding import services", "safeguarding.tasks is not allowed to import"),
]


def test_forbidden_imports_injected_into_a_copy_are_each_reported(tmp_path):
    """One lint run over a copy of the apps with every injection at once (one run keeps the test fast)."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "*.html", "*.txt"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path).returncode == 0  # the copy itself is clean

    for module, injected, _ in INJECTED:
        path = tmp_path / module
        path.write_text(f"{path.read_text()}\n{injected}  # injected by tests/foundation/test_layers.py\n")
    result = lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout
    for _, _, reported in INJECTED:
        assert reported in result.stdout, result.stdout


def test_no_app_reaches_another_by_model_name():
    """apps.get_model hides a tie from import-linter (and a LookupError guard suggests an optional part that is
    always installed): apps import the model, or, upward, listen to a signal. Migrations use their `apps`."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "get_model(" in line or "except LookupError" in line
    ]
    assert not found, found
