"""The production stack: compose validates from .env.example alone, HTTPS through Caddy, secrets from .env."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.fixtures.gates import need_service

ROOT = Path(__file__).resolve().parents[2]


def compose_config(tmp_path: Path, env_text: str | None) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    if env_text is not None:
        (tmp_path / ".env").write_text(env_text)
    environ = {k: v for k, v in os.environ.items() if k not in {"POSTGRES_PASSWORD", "SITE_DOMAIN"}}
    return subprocess.run(
        ["docker-compose", "--project-directory", str(tmp_path), "-f", str(tmp_path / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        cwd=tmp_path,
    )


def need_compose() -> None:
    need_service(
        shutil.which("docker-compose") is not None, "docker-compose not installed (apt-get install docker-compose)"
    )


@pytest.fixture
def services(tmp_path):
    need_compose()
    env_text = (ROOT / ".env.example").read_text().replace("POSTGRES_PASSWORD=change-me", "POSTGRES_PASSWORD=pw")
    result = compose_config(tmp_path, env_text)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_compose_validates_with_only_env_example_copied(tmp_path):
    need_compose()
    result = compose_config(tmp_path, (ROOT / ".env.example").read_text())
    assert result.returncode == 0, result.stderr
    names = set(yaml.safe_load(result.stdout)["services"])
    assert {"caddy", "postgres", "redis", "migrate", "web", "worker", "beat", "backup"} <= names


def test_without_env_file_compose_says_what_to_do(tmp_path):
    need_compose()
    result = compose_config(tmp_path, None)
    assert result.returncode != 0
    assert "copy .env.example to .env" in result.stderr or ".env" in result.stderr


def test_every_password_comes_from_env(services):
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "pw"
    assert services["backup"]["environment"]["PGPASSWORD"] == "pw"
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"] == ("postgres://peersupport:pw@postgres:5432/peersupport")
    text = (ROOT / "docker-compose.yml").read_text()
    assert "POSTGRES_PASSWORD: peersupport" not in text
    assert not re.search(r"postgres://\w+:\w+@", text), "a literal password in docker-compose.yml"


def test_only_caddy_is_published_and_the_app_trusts_exactly_one_proxy(services):
    # The default stack publishes Caddy only; the optional LiveKit server (profile "video") publishes its media
    # and TURN ports, which browsers reach directly (WebRTC does not go through an HTTP proxy).
    published = {name for name, service in services.items() if service.get("ports") and not service.get("profiles")}
    assert published == {"caddy"}
    ports = {
        str(p["target"]) if isinstance(p, dict) else p.split(":")[-1].split("/")[0] for p in services["caddy"]["ports"]
    }
    assert ports >= {"80", "443"}
    for name in ("migrate", "web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["TRUSTED_PROXY_COUNT"] == "1"
        assert env["ALLOWED_HOSTS"] == "localhost,127.0.0.1"
        assert env["SITE_URL"] == "https://localhost"
        assert env["LOG_FORMAT"] == "json"
    assert "--no-proxy-headers" in services["web"]["command"]


def test_the_migrate_step_runs_check_deploy_first_and_web_waits_for_it(services):
    command = " ".join(services["migrate"]["command"])
    assert command.index("check --deploy --fail-level ERROR") < command.index("migrate --noinput")
    assert "&&" in command
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_images_are_pinned_to_a_minor_version(services):
    for name, service in services.items():
        image = service["image"]
        assert re.search(r":v?\d+\.\d+", image), f"{name} uses a floating tag: {image}"
    assert re.search(r"^FROM python:\d+\.\d+-slim-bookworm$", (ROOT / "Dockerfile").read_text(), re.M)


def test_backups_run_on_a_schedule_into_their_own_volume(services):
    backup = services["backup"]
    assert backup["environment"]["BACKUP_KEEP_DAYS"] == "14"
    assert any(
        v.get("source") == "backups" if isinstance(v, dict) else v.startswith("backups:") for v in backup["volumes"]
    )
    assert "healthcheck" in backup
    assert services["restore-drill"]["profiles"] == ["tools"]


def test_secrets_never_enter_git_or_the_image():
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()
    result = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    assert result.returncode == 0, ".env is not ignored by git"


def caddy_json(site_domain: str) -> dict:
    result = subprocess.run(
        ["caddy", "adapt", "--config", str(ROOT / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SITE_DOMAIN": site_domain},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_caddy_validates_the_caddyfile(tmp_path):
    need_service(shutil.which("caddy") is not None, "caddy not installed (apt-get install caddy)")
    result = subprocess.run(
        ["caddy", "validate", "--config", str(ROOT / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        # validate provisions Caddy's local authority: into the test's folder, not the user's home
        env={**os.environ, "SITE_DOMAIN": "peersupport.example.org", "XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


def test_caddy_serves_the_domain_over_https_and_proxies_everything_to_web():
    need_service(shutil.which("caddy") is not None, "caddy not installed (apt-get install caddy)")
    config = caddy_json("peersupport.example.org")
    assert config["admin"] == {"disabled": True}
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"]
    assert "logs" not in server  # no access log: request lines can carry tokens
    (route,) = server["routes"]
    assert route["match"] == [{"host": ["peersupport.example.org"]}]
    text = json.dumps(route)
    assert '"handler": "reverse_proxy"' in text
    assert '"dial": "web:8000"' in text
    assert "trusted_proxies" not in text  # Caddy replaces a client's own X-Forwarded-For
