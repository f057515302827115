"""Safeguarding against real services (integration run: REDIS_URL + PostgreSQL DATABASE_URL).

- A removal made in this process closes the member's socket served by ANOTHER process (uvicorn in a
  subprocess), through the Redis channel layer.
- A temporary removal lifts on time when a real Celery worker runs the beat task.
"""

import json
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from groups.models import Membership
from safeguarding import removals
from safeguarding.models import Removal
from sessions.models import GroupSession
from tests.fixtures.gates import need_service
from tests.fixtures.servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def asgi_process(transactional_db, settings, tmp_path):
    """The real ASGI application served by uvicorn in a separate process, on the test database and Redis."""
    redis_url = os.environ.get("REDIS_URL", "")
    need_service(bool(redis_url), "needs REDIS_URL")
    need_service(connection.vendor == "postgresql", "needs a PostgreSQL DATABASE_URL")
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peersupport.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    log_path = tmp_path / "uvicorn.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "peersupport.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ws",
        "websockets-sansio",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not start:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def connect(port: int, session: GroupSession, user):
    from websockets.sync.client import connect as ws_connect

    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return ws_connect(
        f"ws://127.0.0.1:{port}/ws/sessions/{session.pk}/",
        additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"},
        open_timeout=10,
    )


def messages_until_closed(ws, *, timeout: float = 10) -> list[dict]:
    from websockets.exceptions import ConnectionClosed

    received = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            received.append(json.loads(ws.recv(timeout=deadline - time.monotonic())))
    except ConnectionClosed:
        return received
    except TimeoutError:
        pytest.fail(f"the socket was not closed; it received {received}")
    return received


def test_a_removal_here_closes_the_members_socket_in_another_process(asgi_process, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)
    with connect(asgi_process, session, cast.member) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"

        membership = Membership.objects.get(group=cast.group, user=cast.member)
        removals.remove_member(
            membership,
            actor=cast.leader,
            kind=Removal.Kind.TEMPORARY,
            reasons=["offensive_language"],
            until=timezone.now() + timedelta(days=7),
        )

        received = messages_until_closed(ws)
        assert any(m["type"] == "closed" for m in received)
        assert ws.close_code is not None


def test_a_temporary_removal_lifts_on_time_on_a_real_worker(celery_worker_process, cast):
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    removal = removals.remove_member(
        membership,
        actor=cast.leader,
        kind=Removal.Kind.TEMPORARY,
        reasons=["talking_over"],
        until=timezone.now() + timedelta(seconds=2),
    )
    celery_worker_process.wait_for_emails(1)  # the kind explanation of the removal
    time.sleep(2.5)  # its time comes

    removals.lift_expired_removals_task.delay()  # what beat does every minute

    messages = celery_worker_process.wait_for_emails(2)
    assert messages[-1]["To"] == cast.member.email
    assert "again" in messages[-1]["Subject"]
    removal.refresh_from_db()
    membership.refresh_from_db()
    assert removal.lifted_at is not None and removal.lifted_by is None
    assert membership.status == Membership.Status.ACTIVE
