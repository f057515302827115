"""Production refuses placeholder and weak secrets, naming each variable; `make keys` gives values it accepts."""

import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from peersupport.production import placeholder_problems
from tests.foundation.test_settings import PRODUCTION, run_manage

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_the_values_of_env_example_refuse_to_start_naming_every_placeholder():
    example = env_example()
    env = {**example, "DJANGO_DEBUG": "false"}
    # What docker-compose.yml builds from POSTGRES_PASSWORD.
    env["DATABASE_URL"] = f"postgres://peersupport:{example['POSTGRES_PASSWORD']}@127.0.0.1:5432/peersupport"
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "Production mode refuses to start" in result.stderr
    for name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "POSTGRES_PASSWORD", "DATABASE_URL"):
        assert f"{name} still holds the placeholder 'change-me'" in result.stderr


def test_a_short_secret_key_is_refused_without_showing_it():
    result = run_manage("check", env={**PRODUCTION, "DJANGO_SECRET_KEY": "short-but-not-placeholder"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert "short-but-not-placeholder" not in result.stderr


def test_a_secret_of_one_repeated_character_is_refused():
    assert placeholder_problems({"DJANGO_SECRET_KEY": "a" * 80}) == [
        "DJANGO_SECRET_KEY is too weak: it needs at least 50 random characters (make keys prints one)."
    ]


def test_an_invalid_second_encryption_key_is_named_by_position():
    keys = f"{Fernet.generate_key().decode()},not-a-fernet-key"
    result = run_manage("check", env={**PRODUCTION, "FIELD_ENCRYPTION_KEYS": keys})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key number 2 is not a valid Fernet key" in result.stderr
    assert "not-a-fernet-key" not in result.stderr


def test_a_placeholder_email_password_is_refused():
    problems = placeholder_problems({**PRODUCTION, "EMAIL_HOST_PASSWORD": "change-me"})
    assert problems == [
        "EMAIL_HOST_PASSWORD still holds the placeholder 'change-me' from .env.example (make keys prints fresh values)."
    ]


def test_a_placeholder_or_short_video_secret_is_refused():
    assert placeholder_problems({**PRODUCTION, "LIVEKIT_API_SECRET": "change-me"}) == [
        "LIVEKIT_API_SECRET still holds the placeholder 'change-me' from .env.example (make keys prints fresh values)."
    ]
    assert placeholder_problems({**PRODUCTION, "VIDEO_PROVIDER": "jitsi", "JITSI_APP_SECRET": "Change-Me-please"}) == [
        "JITSI_APP_SECRET still holds the placeholder 'change-me' from .env.example (make keys prints fresh values)."
    ]
    short = placeholder_problems({**PRODUCTION, "VIDEO_PROVIDER": "jitsi", "JITSI_APP_SECRET": "s3cret"})
    assert len(short) == 1 and short[0].startswith("JITSI_APP_SECRET is too short") and "s3cret" not in short[0]
    assert placeholder_problems({**PRODUCTION, "VIDEO_PROVIDER": "jitsi", "JITSI_APP_SECRET": "x9" * 20}) == []
    assert placeholder_problems({**PRODUCTION, "VIDEO_PROVIDER": "link", "JITSI_APP_SECRET": ""}) == []


def test_development_mode_does_not_refuse_placeholders():
    result = run_manage("check", env={"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": "change-me"})
    assert result.returncode == 0, result.stderr


def test_make_keys_prints_values_production_accepts():
    result = subprocess.run(
        [sys.executable, "scripts/keys.py"], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
    )
    printed = dict(line.split("=", 1) for line in result.stdout.splitlines() if not line.startswith("#"))
    assert set(printed) == {"DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "POSTGRES_PASSWORD"}
    assert placeholder_problems(printed) == []
    Fernet(printed["FIELD_ENCRYPTION_KEYS"].encode())
    second = subprocess.run([sys.executable, "scripts/keys.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert second.stdout != result.stdout
    check = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, **printed, "POSTGRES_PASSWORD": "x"}
    )
    assert check.returncode == 0, check.stderr
