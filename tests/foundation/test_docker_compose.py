"""docker-compose.yml validates, with every service docs/architecture.md names and health checks."""

import shutil
import subprocess
from pathlib import Path

import yaml

from tests.fixtures.gates import need_service

ROOT = Path(__file__).resolve().parents[2]


def test_docker_compose_file_validates_with_health_checks(tmp_path):
    need_service(
        shutil.which("docker-compose") is not None, "docker-compose not installed (apt-get install docker-compose)"
    )
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "-f", str(tmp_path / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    assert services["web"]["environment"]["DJANGO_DEBUG"] == "false"
