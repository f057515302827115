"""Fixtures for the live room: an open session, real session cookies, and connected websockets."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from peersupport.asgi import application
from sessions.models import GroupSession
from sessions.room.protocol import schema_mismatch
from tests.fixtures.servers import LiveServer, free_port

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """An empty channel layer, and a new layer object, for every test.

    Emptied so that groups never hold channels of earlier tests' sockets (ids repeat between tests);
    a new object because with Redis a layer keeps locks bound to the event loop of the test that first
    used it, and each async test runs in its own loop.
    """
    from channels.layers import channel_layers, get_channel_layer

    channel_layers.backends = {}
    # In a thread with its own loop: browser tests already run Playwright's loop in this one.
    flushing = threading.Thread(target=lambda: asyncio.run(get_channel_layer().flush()))
    flushing.start()
    flushing.join()
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture(autouse=True)
def frames_fit_the_schema(monkeypatch):
    """Every frame any room test reads from a socket is a message of the protocol's schema, with exactly its
    fields (sessions/room/protocol.py: TO_BROWSER). Returns the list of frames read, for tests that ask."""
    seen: list[dict] = []
    receive_json_from = WebsocketCommunicator.receive_json_from

    async def checked(self, timeout=1):
        frame = await receive_json_from(self, timeout)
        problem = schema_mismatch(frame)
        assert problem is None, f"a frame outside the room's schema: {problem}: {frame}"
        seen.append(frame)
        return frame

    monkeypatch.setattr(WebsocketCommunicator, "receive_json_from", checked)
    return seen


@pytest.fixture
def open_session(cast, session_factory) -> GroupSession:
    """A session of the cast's group that started ten minutes ago, with its room open."""
    return session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)


def session_cookie(user) -> bytes:
    """A real Django session for the user, as a Cookie header value."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.fixture
def socket_for():
    """await socket_for(user, session) -> a connected WebsocketCommunicator (its first message not yet read).

    Closes every communicator it made at the end of the test, so no test leaves a socket open.
    """
    made: list[WebsocketCommunicator] = []

    async def connect(user, session, *, origin=ORIGIN, expect_connected=True) -> WebsocketCommunicator:
        headers = [origin] if origin else []
        if user is not None:
            headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
        communicator = WebsocketCommunicator(application, f"/ws/sessions/{session.pk}/", headers=headers)
        made.append(communicator)
        connected, _ = await communicator.connect()
        assert connected is expect_connected
        return communicator

    yield connect
    # Every test disconnects its sockets itself; this only catches a test that failed half-way.
    for communicator in made:
        if communicator.future and not communicator.future.done():
            communicator.future.cancel()


async def joined(socket_for, user, session, *, expect: str):
    """Connect and read the first message (welcome for members, snapshot for leaders)."""
    communicator = await socket_for(user, session)
    first = await communicator.receive_json_from()
    assert first["type"] == expect
    return communicator


async def receive_until(communicator, type_: str, *, timeout: float = 1, max_messages: int = 20) -> dict:
    """Read messages until one of the given type arrives (others, e.g. roster updates, are skipped)."""
    for _ in range(max_messages):
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == type_:
            return message
    raise AssertionError(f"no {type_!r} message arrived")


async def drain(communicator, *, timeout: float = 0.2) -> list[dict]:
    """Everything the socket has been sent so far."""
    messages = []
    while not await communicator.receive_nothing(timeout=timeout):
        messages.append(await communicator.receive_json_from())
    return messages


# --- a live ASGI server that can be stopped and started again on the same port ---------------------


class RestartableServer:
    """uvicorn in a thread, serving the real ASGI application; `restart()` keeps the port."""

    def __init__(self, port: int):
        self.port = port
        self.server = None
        self.thread = None
        self.live = LiveServer(url=f"http://127.0.0.1:{port}", host="127.0.0.1", port=port)

    def start(self) -> None:
        import uvicorn

        from peersupport.asgi import application

        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", ws="websockets-sansio"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live ASGI server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def restartable_asgi(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    server = RestartableServer(free_port())
    server.start()
    yield server
    server.stop()


# --- browsers signed in by cookie (the real sign-in form is covered in test_browser_room.py) ----------


def signed_in_page(browser_context, live: LiveServer, user, **options):
    """A new browser context carrying a real Django session for user; returns a fresh page in it."""
    context = browser_context(**options)
    cookie = session_cookie(user).decode().split("=", 1)[1]
    context.add_cookies([{"name": "sessionid", "value": cookie, "domain": live.host, "path": "/"}])
    return context.new_page()
