"""Production mode refuses to start without its secrets, and `check --deploy` is clean."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_", "PEERSUPPORT_"))}
    base.pop("DATABASE_URL", None)
    base.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 64 + "-production-secret-for-tests-only",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "peersupport.example.org",
}


def test_production_without_secret_key_refuses_with_one_clear_line():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_without_encryption_keys_refuses_with_one_clear_line():
    env = {**PRODUCTION}
    del env["FIELD_ENCRYPTION_KEYS"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_invalid_encryption_key_is_named_by_the_check():
    result = run_manage("check", "--deploy", env={**PRODUCTION, "FIELD_ENCRYPTION_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "key number 1 is not a valid Fernet key" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_bad_boolean_is_an_error_not_a_silent_false():
    result = run_manage("check", env={**PRODUCTION, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_debug_with_a_public_host_is_warned_about():
    result = run_manage("check", "--deploy", env={"DJANGO_DEBUG": "true", "ALLOWED_HOSTS": "peersupport.example.org"})
    assert "peersupport.W001" in result.stderr + result.stdout


def test_production_settings_make_cookies_secure_and_send_hsts():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.X_FRAME_OPTIONS)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "DENY",
    ]
