"""What opening a room socket costs the database (issue 21): after a deploy or a crash every member reconnects
at once, and every handshake's queries stand between them and the room. The checks stay whole (their tests are
in test_consumer_connect.py and tests/security); this pins how many statements they take."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db.backends.utils import CursorWrapper

from peersupport.asgi import application
from tests.room.conftest import ORIGIN, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    """Every statement run from now on, on any thread: the shared database thread, the handshakes' threads
    (sessions/room/consumer.py) and the test's own. Savepoints and BEGIN are left out: round trips on some backends
    and not on others."""
    run: list[str] = []
    execute = CursorWrapper._execute

    def recording(self, sql, *args):
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")):
            run.append(sql)
        return execute(self, sql, *args)

    monkeypatch.setattr(CursorWrapper, "_execute", recording)
    return run


async def connect_counting(statements: list[str], user, session, *, expect: str) -> list[str]:
    """Open a socket as `user` (its cookie made beforehand) and read its first message; the statements that took."""
    cookie = await sync_to_async(session_cookie)(user)
    socket = WebsocketCommunicator(application, f"/ws/sessions/{session.pk}/", headers=[ORIGIN, (b"cookie", cookie)])
    statements.clear()
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == expect
    taken = list(statements)
    await socket.disconnect()
    return taken


async def test_a_members_first_connect_runs_this_many_queries(statements, cast, open_session):
    taken = await connect_counting(statements, cast.member, open_session, expect="welcome")
    # The sign-in: session, user (2). Admission: session with its group, membership, current guidelines, the
    # agreement to them, a removal from the session (5). Arrival: their place (locked), its INSERT, the register
    # (is an entry open? INSERT one), the socket's row (5). The roster's row: a removal (made in this process,
    # asked once). The welcome: is their hand up (2). 16 before issue 21 (the welcome read their place again;
    # the socket's row was an update_or_create).
    assert len(taken) == 14, "\n".join(taken)


async def test_a_members_reconnect_runs_this_many_queries(statements, cast, open_session):
    await connect_counting(statements, cast.member, open_session, expect="welcome")
    taken = await connect_counting(statements, cast.member, open_session, expect="welcome")
    # As the first, but coming back after leaving: the register's row is counted again (INSERT refused, UPDATE,
    # read back), their place is marked back, a "left" alert is lowered. 19 before issue 21 (also the user again).
    assert len(taken) == 16, "\n".join(taken)
