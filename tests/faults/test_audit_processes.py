"""Several processes append to the audit trail at the same moment: it stays one unbroken chain.

Each writer is its own Python process with its own PostgreSQL connection (tests/faults/audit_writer.py).
The advisory lock in core.audit.record serialises them; `manage.py verify_audit_chain` then
walks the whole chain. The positive control runs the same writers without the lock and the verifier
finds the break. (Threads in one process: tests/safeguarding/test_audit.py.)
"""

import itertools
import os
import subprocess
import sys
import time

import pytest

from core.models import AuditEvent
from tests.faults.servers import BASE_DIR, database_url_for_tests
from tests.fixtures.gates import need_service

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WRITERS = 6
EACH = 15


def run_writers(settings, *, lock: bool) -> None:
    from django.db import connection

    need_service(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_tests(),
        "DJANGO_DEBUG": "true",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    start_at = time.time() + 4  # every writer connected and waiting before the first append
    command = [sys.executable, "-m", "tests.faults.audit_writer"]
    extra = [] if lock else ["--no-lock"]
    writers = [
        subprocess.Popen(
            [*command, str(n), str(EACH), str(start_at), *extra],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(WRITERS)
    ]
    for writer in writers:
        output, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0, output


def verify(settings) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_tests(),
        "DJANGO_DEBUG": "true",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit_chain"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_writers_in_several_processes_make_one_unbroken_chain(settings):
    run_writers(settings, lock=True)
    assert AuditEvent.objects.filter(action="tests.faults.appended").count() == WRITERS * EACH
    result = verify(settings)
    assert result.returncode == 0, result.stderr
    assert f"{WRITERS * EACH} event(s) verified" in result.stdout
    # And they really did overlap: events of different writers are interleaved, not one writer after another.
    writers_in_order = list(AuditEvent.objects.order_by("id").values_list("data__writer", flat=True))
    switches = sum(1 for a, b in itertools.pairwise(writers_in_order) if a != b)
    assert switches > WRITERS


def test_positive_control_without_the_lock_the_chain_breaks(settings):
    run_writers(settings, lock=False)
    result = verify(settings)
    assert result.returncode != 0
    assert "Audit trail broken at event id=" in result.stderr
