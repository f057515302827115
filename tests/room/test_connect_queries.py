"""What opening a room socket costs the database (issue 21): after a deploy or a crash every member reconnects
at once, and each handshake's queries queue on the process's one database thread. The checks stay whole (their
tests are in test_consumer_connect.py); this pins how many statements they take."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from peersupport.asgi import application
from tests.room.conftest import ORIGIN, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


class DatabaseThreadQueries:
    """The statements run on the database thread every socket shares (channels.db.database_sync_to_async)."""

    async def __aenter__(self):
        def start():
            # That thread's own connection object: `connection` alone would be read in the test's thread.
            self.context = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])
            self.context.__enter__()

        await database_sync_to_async(start)()
        return self

    async def __aexit__(self, *exc):
        await database_sync_to_async(self.context.__exit__)(None, None, None)

    @property
    def statements(self) -> list[str]:
        # Savepoints and transaction brackets are not round trips of their own on every backend: count queries.
        skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")
        return [q["sql"] for q in self.context.captured_queries if not q["sql"].startswith(skip)]


async def connect_counting(user, session, *, expect: str) -> list[str]:
    """Open a socket as `user` (its cookie made beforehand) and read its first message; the statements that took."""
    cookie = await sync_to_async(session_cookie)(user)
    socket = WebsocketCommunicator(application, f"/ws/sessions/{session.pk}/", headers=[ORIGIN, (b"cookie", cookie)])
    async with DatabaseThreadQueries() as queries:
        connected, _ = await socket.connect()
        assert connected
        assert (await socket.receive_json_from())["type"] == expect
    await socket.disconnect()
    return queries.statements


async def test_a_members_first_connect_runs_this_many_queries(cast, open_session):
    statements = await connect_counting(cast.member, open_session, expect="welcome")
    # The sign-in: session, user (2). Admission: session with its group, membership, current guidelines, the
    # agreement to them, a removal from the session (5). Arrival: their place (locked), its INSERT, the register
    # (is an entry open? INSERT one), the socket's row (5). The roster's row: a removal (made in this process,
    # asked once). The welcome: is their hand up (2). 16 before issue 21 (the welcome read their place again;
    # the socket's row was an update_or_create).
    assert len(statements) == 14, "\n".join(statements)


async def test_a_members_reconnect_runs_this_many_queries(cast, open_session):
    await connect_counting(cast.member, open_session, expect="welcome")
    statements = await connect_counting(cast.member, open_session, expect="welcome")
    # As the first, but coming back after leaving: the register's row is counted again (INSERT refused, UPDATE,
    # read back), their place is marked back, a "left" alert is lowered. 20 before issue 21 (also the user again).
    assert len(statements) == 17, "\n".join(statements)
