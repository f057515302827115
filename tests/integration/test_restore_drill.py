"""Backups that restore: scripts/backup.sh dumps a database with demo data, scripts/restore_drill.sh restores it
into a fresh database and checks it (migrations, the audit chain, decryption), against the local PostgreSQL."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def run(command: list[str], env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def drill_databases(admin_url: str) -> list[str]:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'peersupport_restore_drill_%'")
        return [row[0] for row in rows]


@pytest.fixture(scope="module")
def dumped(tmp_path_factory):
    """A database with the demo data in it (encrypted fields, audit events), dumped by the backup script."""
    url = os.environ["DATABASE_URL"]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    source = url.rsplit("/", 1)[1] + "_drill_source"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{source}"')
        conn.execute(f'CREATE DATABASE "{source}"')
    key = Fernet.generate_key().decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_", "PEERSUPPORT_"))}
    env.update(
        {
            "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + source,
            "FIELD_ENCRYPTION_KEYS": key,
            "DJANGO_DEBUG": "true",
            "BACKUP_DIR": str(tmp_path_factory.mktemp("backups")),
            "BACKUP_KEEP_DAYS": "14",
            "PYTHON": sys.executable,
            "DRILL_ADMIN_URL": admin_url,
        }
    )
    env.pop("REDIS_URL", None)
    setup = [
        "manage.py",
        "setup_charity",
        "--noinput",
        "--name=Drill charity",
        "--contact-email=hello@example.org",
        "--safeguarding-email=safeguarding@example.org",
        "--trustee-email=first-trustee@example.org",
        "--trustee-name=First trustee",
        "--group-name=First group",
    ]
    # setup_charity writes audit events, seed_demo encrypted meeting links: the drill checks both kinds.
    for step in (["manage.py", "migrate", "--noinput"], setup, ["manage.py", "seed_demo"]):
        result = run([sys.executable, *step], {**env, "DJANGO_SUPERUSER_PASSWORD": "a-long-drill-password-1"})
        assert result.returncode == 0, result.stderr
    result = run(["bash", "scripts/backup.sh"], env)
    assert result.returncode == 0, result.stderr
    yield env, admin_url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{source}"')


def test_the_backup_is_one_compressed_dump_in_the_backup_folder(dumped):
    env, _ = dumped
    dumps = sorted(Path(env["BACKUP_DIR"]).glob("peersupport-*.sql.gz"))
    assert len(dumps) == 1
    assert dumps[0].read_bytes()[:2] == b"\x1f\x8b"  # gzip
    assert not list(Path(env["BACKUP_DIR"]).glob(".*partial"))


def test_the_drill_restores_the_latest_dump_and_checks_it(dumped):
    env, admin_url = dumped
    result = run(["bash", "scripts/restore_drill.sh"], {**env, "DATABASE_URL": "postgres://unused/unused"})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "restore drill: into a fresh database peersupport_restore_drill_" in out
    assert re.search(r"Audit trail intact: [1-9]\d* event\(s\) verified", out)
    assert "Encryption keys open the data:" in out
    assert "value(s) decrypted" in out
    assert "restore drill: PASSED" in out
    assert drill_databases(admin_url) == []  # the fresh database is dropped afterwards


def test_the_drill_fails_without_the_right_keys_and_says_so(dumped):
    env, admin_url = dumped
    wrong = {**env, "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    result = run(["bash", "scripts/restore_drill.sh"], wrong)
    assert result.returncode != 0
    assert "with any key in FIELD_ENCRYPTION_KEYS" in result.stderr
    assert "PASSED" not in result.stdout
    assert drill_databases(admin_url) == []


def test_the_drill_fails_clearly_without_a_dump(dumped, tmp_path):
    env, _ = dumped
    result = run(["bash", "scripts/restore_drill.sh"], {**env, "BACKUP_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "no dump found" in result.stderr
