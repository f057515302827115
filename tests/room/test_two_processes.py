"""One room served by two daphne processes over the Redis channel layer (integration run only).

The member's socket is on one process and the leader's on the other: alerts still arrive, presence is
the same whichever process is asked, and a removal closes a socket held by the other process.
"""

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from sessions.models import RoomParticipant
from tests.fixtures.gates import need_service
from tests.fixtures.servers import free_port
from tests.room.conftest import session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class Daphne:
    def __init__(self, process: subprocess.Popen, port: int, log_path: Path):
        self.process, self.port, self.log_path = process, port, log_path

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def daphne_processes(transactional_db, settings, tmp_path):
    """Two `daphne peersupport.asgi:application` processes on the pytest-django test database and Redis."""
    redis_url = os.environ.get("REDIS_URL", "")
    need_service(bool(redis_url), "two ASGI processes need REDIS_URL")
    need_service(connection.vendor == "postgresql", "two ASGI processes need a PostgreSQL DATABASE_URL")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peersupport.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    daphne = str(BASE_DIR / ".venv" / "bin" / "daphne")
    servers = []
    for name in ("a", "b"):
        port = free_port()
        log_path = tmp_path / f"daphne-{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(port), "peersupport.asgi:application"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        servers.append(Daphne(process, port, log_path))
    try:
        for server in servers:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
                    break
                except OSError:
                    if server.process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"daphne did not start. Its log:\n{server.log()}")
                    time.sleep(0.1)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()


def open_socket(server: Daphne, user, session):
    return connect(
        server.url(f"/ws/sessions/{session.pk}/"),
        origin="http://127.0.0.1",
        additional_headers={"Cookie": session_cookie(user).decode()},
        open_timeout=10,
    )


def receive_until(ws, type_: str, *, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message["type"] == type_:
            return message


def test_alert_from_a_member_on_one_process_reaches_the_leader_on_the_other(daphne_processes, cast, open_session):
    a, b = daphne_processes
    with open_socket(b, cast.leader, open_session) as leader, open_socket(a, cast.member, open_session) as member:
        assert receive_until(leader, "snapshot")["session"]["id"] == open_session.pk
        assert receive_until(member, "welcome")["hand_raised"] is False
        member.send(json.dumps({"type": "raise_hand"}))
        assert receive_until(member, "done")["action"] == "raise_hand"
        alert = receive_until(leader, "alert")
        assert (alert["alert"]["kind"], alert["alert"]["name"]) == ("hand", "Member Mo")

        member.send(json.dumps({"type": "message", "text": "Across processes"}))
        assert receive_until(leader, "alert")["text"] == "Across processes"


def test_presence_is_the_same_whichever_process_is_asked(daphne_processes, cast, open_session):
    a, b = daphne_processes
    with open_socket(b, cast.leader, open_session) as leader:
        receive_until(leader, "snapshot")
        with open_socket(a, cast.member, open_session) as member:
            receive_until(member, "welcome")
            arrived = receive_until(leader, "participant")
            while arrived["participant"]["name"] != "Member Mo":
                arrived = receive_until(leader, "participant")
            assert arrived["participant"]["status"] == "present"
            with open_socket(a, cast.co_leader, open_session) as co_leader:
                snapshot = receive_until(co_leader, "snapshot")
                statuses = {p["name"]: p["status"] for p in snapshot["participants"]}
                assert statuses["Member Mo"] == statuses["Leader Lee"] == "present"
        left = receive_until(leader, "participant")
        while left["participant"]["name"] != "Member Mo":
            left = receive_until(leader, "participant")
        assert left["participant"]["status"] == "left"
        assert left["participant"]["left_without_check_in"] is True
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).left_at is not None


def test_removal_by_a_leader_on_one_process_closes_the_members_socket_on_the_other(
    daphne_processes, cast, open_session
):
    a, b = daphne_processes
    with open_socket(b, cast.leader, open_session) as leader, open_socket(a, cast.member, open_session) as member:
        receive_until(leader, "snapshot")
        receive_until(member, "welcome")
        leader.send(json.dumps({"type": "remove", "user": cast.member.pk, "reason": "talking_over"}))
        closed = receive_until(member, "closed")
        assert closed["reason"] == "removed"
        with pytest.raises(ConnectionClosed):
            member.recv(timeout=5)
        assert member.close_code == 4001
