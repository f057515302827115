"""PostgreSQL restarts under the production web server (integration run).

The app server reaches PostgreSQL through a TCP proxy the test controls (tests/faults/conftest.py):
cutting it drops every connection and refuses new ones, as a restart does; the machine's shared
PostgreSQL is never touched.

- Requests during the restart fail cleanly: the kind error page, quickly, no traceback, nothing protected.
- After it, the app recovers by itself, without a restart of the app server.
- The live room's next action after a quick restart already succeeds, with either way of keeping
  connections: psycopg's pool (DB_POOL=true, what docker-compose.yml runs) checks a connection before
  handing it out, and persistent connections (DB_CONN_MAX_AGE=60) have CONN_HEALTH_CHECKS. The positive
  controls turn those checks off and see that action fail.
"""

import json
import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.urls import reverse

from tests.faults.servers import TRACEBACK_SIGNS, Browser, database_url_for_tests
from tests.room.conftest import session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LINK = "https://meet.example.org/secret-room-7f3a"  # the session_factory's meeting link


def through(proxy) -> str:
    """The test database's URL, with the proxy's port instead of PostgreSQL's."""
    parts = urlsplit(database_url_for_tests())
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0] + f":{proxy.port}"))


@pytest.fixture
def member_browser(cast):
    def make(server) -> Browser:
        browser = Browser(server)
        browser.cookies["sessionid"] = session_cookie(cast.member).decode().split("=", 1)[1]
        return browser

    return make


def pages(cast, session) -> list[str]:
    return [
        reverse("groups:mine"),
        cast.group.get_absolute_url(),
        reverse("sessions:detail", args=[session.pk]),
        reverse("safeguarding:my_contact_details"),
        reverse("healthz"),
    ]


def test_requests_during_a_restart_fail_kindly_and_the_app_recovers_by_itself(
    app_server, postgres_proxy, member_browser, cast, session_factory
):
    session = session_factory(cast.group)
    server = app_server(redis_url=os.environ["REDIS_URL"], database_url=through(postgres_proxy))
    member = member_browser(server)
    for path in pages(cast, session):
        assert member.get(path).status == 200, path

    postgres_proxy.cut()
    for path in pages(cast, session):
        started = time.monotonic()
        response = member.get(path)
        assert response.status in (500, 503), (path, response.status)
        assert time.monotonic() - started < 5, path  # refused at once, not hanging
        if path != reverse("healthz"):
            assert "Something went wrong on our side" in response.body, path
        assert not TRACEBACK_SIGNS.search(response.body), path
        assert LINK not in response.body and "gAAAA" not in response.body, path
    visitor = Browser(server)
    response = visitor.get(reverse("account_login"))
    assert response.status in (200, 500, 503)  # the sign-in page may not even need the database
    assert not TRACEBACK_SIGNS.search(response.body)

    postgres_proxy.restore()
    for path in pages(cast, session):
        assert member.get(path).status == 200, path
    assert server.process.poll() is None  # the same server process all along
    log = server.log()
    assert LINK not in log


def room_actions_across_a_quick_restart(app_server, postgres_proxy, cast, session, **extra) -> list[str]:
    """A member's socket acts, PostgreSQL restarts while nobody acts, then the member acts three more times.

    Room sockets do their database work in the server's one long-lived database thread, so with
    DB_CONN_MAX_AGE the connection there persists between actions (HTTP requests under ASGI get a
    fresh thread, and connection, each time); with the pool, connections wait in the pool between
    actions. Returns each later action's answer type."""
    from websockets.sync.client import connect

    server = app_server(redis_url=os.environ["REDIS_URL"], database_url=through(postgres_proxy), **extra)
    with connect(
        server.ws_url(f"/ws/sessions/{session.pk}/"),
        origin=server.origin,
        additional_headers={"Cookie": session_cookie(cast.member).decode()},
        open_timeout=10,
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        ws.send(json.dumps({"type": "raise_hand"}))
        assert answer(ws)["type"] == "done"
        postgres_proxy.cut()
        postgres_proxy.restore()  # a quick restart while nobody was acting
        answers = []
        for action in ("lower_hand", "raise_hand", "lower_hand"):
            ws.send(json.dumps({"type": action}))
            reply = answer(ws)
            answers.append(reply["type"] if reply["type"] == "done" else reply.get("code", reply["type"]))
            time.sleep(0.3)  # below the rate limit
    return answers


def answer(ws) -> dict:
    """The next answer to the member's own action (skipping roster updates and the like)."""
    while True:
        message = json.loads(ws.recv(timeout=10))
        if message["type"] in {"done", "error"}:
            return message


KEEPING_CONNECTIONS = {
    "pool": {"DB_POOL": "true"},
    "persistent": {"DB_POOL": "false", "DB_CONN_MAX_AGE": "60"},
}


@pytest.mark.parametrize("keeping", KEEPING_CONNECTIONS)
def test_after_a_quick_restart_the_rooms_next_action_already_succeeds(
    app_server, postgres_proxy, cast, open_session, keeping
):
    env = KEEPING_CONNECTIONS[keeping]
    assert room_actions_across_a_quick_restart(app_server, postgres_proxy, cast, open_session, **env) == ["done"] * 3


@pytest.mark.parametrize("keeping", KEEPING_CONNECTIONS)
def test_positive_control_without_health_checks_the_next_action_fails(
    app_server, postgres_proxy, cast, open_session, keeping
):
    env = KEEPING_CONNECTIONS[keeping]
    answers = room_actions_across_a_quick_restart(
        app_server, postgres_proxy, cast, open_session, DRILL_NO_HEALTH_CHECKS="1", **env
    )
    assert answers[0] == "server_error"  # a dead connection was used (the socket stays open)
    if keeping == "persistent":
        assert answers[1:] == ["done", "done"]  # ...and dropped, so the room recovers one action later
    # (a pool without its check hands out each of its dead connections in turn)


def pool_through(proxy, check):
    """A psycopg pool of four connections to the test database through the proxy, all open and idle."""
    from django.db import connection
    from psycopg_pool import ConnectionPool

    params = {**connection.get_connection_params(), "port": proxy.port, "autocommit": True}
    pool = ConnectionPool(kwargs=params, min_size=4, max_size=4, timeout=3, check=check, open=True)
    pool.wait(timeout=10)
    return pool


def test_a_connection_the_server_closed_is_not_quiet_so_it_gets_the_real_check(postgres_proxy):
    import psycopg
    from django.db import connection

    from peersupport.postgresql.base import is_quiet

    params = {**connection.get_connection_params(), "port": postgres_proxy.port, "autocommit": True}
    params.pop("cursor_factory", None)
    with psycopg.connect(**params) as conn:
        conn.execute("SELECT 1")
        assert is_quiet(conn)  # idle and healthy: handed out without a round trip
        postgres_proxy.cut()
        deadline = time.monotonic() + 5
        while is_quiet(conn) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not is_quiet(conn)
    postgres_proxy.restore()


def test_the_first_failed_check_sweeps_every_dead_connection_out_of_the_pool(postgres_proxy):
    from peersupport.postgresql.base import check_pooled_connection

    pool = pool_through(postgres_proxy, check_pooled_connection)
    try:
        postgres_proxy.cut()
        postgres_proxy.restore()
        started = time.monotonic()
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        waited = time.monotonic() - started
        assert pool.get_stats()["connections_lost"] == 4  # all four found dead by the one sweep
        assert waited < 2.5  # one back-off of about a second, not 1 + 2 + 4 ... (and not the 3 s time-out)
    finally:
        pool.close()


def test_positive_control_psycopgs_own_check_tries_the_dead_connections_one_by_one(postgres_proxy):
    from psycopg_pool import ConnectionPool, PoolTimeout

    pool = pool_through(postgres_proxy, ConnectionPool.check_connection)
    try:
        postgres_proxy.cut()
        postgres_proxy.restore()
        with pytest.raises(PoolTimeout), pool.connection():  # 1 s, then 2 s of back-off between dead ones: past 3 s
            pass
    finally:
        pool.close()


def test_our_backend_gives_djangos_pool_the_sweeping_check():
    from django.db import connection

    from peersupport.postgresql.base import DatabaseWrapper, check_pooled_connection

    settings_dict = {**connection.settings_dict, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True}
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}
    wrapper = DatabaseWrapper(settings_dict, alias="pool_check")
    try:
        assert wrapper.pool._check is check_pooled_connection
    finally:
        wrapper.close_pool()
