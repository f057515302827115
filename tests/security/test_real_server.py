"""Attacks that only a real server process can answer: the web server exactly as docker-compose.yml runs it.

- An oversized websocket frame (2 MiB) is closed by the server itself before the app reads it.
- Sign-in throttling holds against a made-up X-Forwarded-For header sent straight to the server.
- A socket from another site is refused by the real server too (the handshake gets 403).
Integration run only (needs PostgreSQL so the server process shares the test database).
"""

import json
import os
import re

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.faults.servers import Browser, compose_web_command
from tests.room.conftest import session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MIB = 1024 * 1024


@pytest.fixture
def server(app_server):
    return app_server(redis_url=os.environ["REDIS_URL"])


def open_room(server, user, session, *, origin=None):
    return connect(
        server.ws_url(f"/ws/sessions/{session.pk}/"),
        origin=origin or server.origin,
        additional_headers={"Cookie": session_cookie(user).decode()},
        open_timeout=10,
        max_size=None,
    )


def first_message(ws) -> dict:
    return json.loads(ws.recv(timeout=10))


def test_a_two_mebibyte_frame_is_closed_by_the_server(server, cast, open_session):
    with open_room(server, cast.member, open_session) as ws:
        assert first_message(ws)["type"] == "welcome"
        with pytest.raises(ConnectionClosed):
            # The server may drop the connection while the frame is still being sent (then send raises),
            # or after it arrived (then recv does): either way no answer from the app, only the close.
            ws.send(json.dumps({"type": "chat", "text": "x" * (2 * MIB)}))
            while True:
                ws.recv(timeout=10)
        # The server's own limit (daphne: websocket_max_message_size, 1 MiB; uvicorn: --ws-max-size) fails the
        # connection: 1009 "too big", or 1006 when the close frame is lost because the client was still sending.
        assert ws.close_code in (1006, 1009)
    with open_room(server, cast.member, open_session) as again:  # the server itself is fine
        assert first_message(again)["type"] == "welcome"


def test_positive_control_a_large_but_allowed_frame_gets_an_answer_and_the_socket_stays(server, cast, open_session):
    """The frame above was closed for its size: a 32 KiB one reaches the app, which answers with an error."""
    with open_room(server, cast.member, open_session) as ws:
        assert first_message(ws)["type"] == "welcome"
        ws.send(json.dumps({"type": "chat", "text": "x" * (32 * 1024)}))
        assert json.loads(ws.recv(timeout=10))["code"] == "frame_too_large"
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "pong"


def test_a_socket_from_another_site_is_refused_by_the_real_server(server, cast, open_session):
    with pytest.raises(InvalidStatus) as refused:
        open_room(server, cast.member, open_session, origin="https://evil.example")
    assert refused.value.response.status_code == 403
    with open_room(server, cast.member, open_session) as ws:  # positive control: our own origin
        assert first_message(ws)["type"] == "welcome"


def throttled(response) -> bool:
    return response.status == 429 or "Too many failed login attempts" in response.body


def test_sign_in_throttling_holds_against_a_made_up_forwarded_for(server, user_factory):
    """Credential stuffing: many accounts, one guess each, each request claiming another address.

    The server runs with docker-compose's environment: behind exactly one proxy (Caddy, TRUSTED_PROXY_COUNT=1),
    which the client cannot get round (web is not published). Caddy replaces a client's X-Forwarded-For
    (tests/ops/test_caddy_proxy.py); here the harder case, a proxy that appends the real address to the made-up
    one, as nginx's $proxy_add_x_forwarded_for does: the app must count the proxy's entry, not the client's."""
    people = [user_factory(f"stuffed{n}@example.org") for n in range(12)]
    outcomes = []
    for n, person in enumerate(people):
        browser = Browser(server)  # a new client each time, as a script would be
        response = browser.post(
            "/accounts/login/",
            {"login": person.email, "password": "from-a-leaked-list"},
            **{"X-Forwarded-For": f"203.0.113.{n}, 127.0.0.1"},
        )
        assert response.status in (200, 429), response.body[:300]
        outcomes.append(throttled(response))
    assert outcomes[:10] == [False] * 10  # settings.ACCOUNT_RATE_LIMITS["login_failed"]: 10 a minute per address
    assert outcomes[-1] is True


def test_the_deployed_web_command_does_not_trust_forwarded_headers_from_clients():
    """daphne --proxy-headers takes the FIRST X-Forwarded-For entry, which the client writes, and uvicorn trusts
    the header by default: the app would see a made-up address. Behind a proxy, set TRUSTED_PROXY_COUNT instead
    (allauth reads the right entry)."""
    command = compose_web_command()
    if command[0] == "uvicorn":
        assert "--no-proxy-headers" in command
    else:
        assert "--proxy-headers" not in command


def test_the_drills_server_runs_in_production_mode(server):
    """The drills' server really is in production mode: no debug page for a missing URL."""
    browser = Browser(server)
    response = browser.get("/no-such-page/")
    assert response.status == 404
    assert not re.search(r"URLconf|Using the URLconf|DEBUG", response.body)
    assert browser.get("/healthz/").status == 200
