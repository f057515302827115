"""Fixtures for fault drills: a broker that is down, and private services a test may stop and start."""

import shutil
import subprocess
import time
from dataclasses import dataclass

import pytest

from tests.conftest import free_port, need_service
from tests.faults.servers import app_server  # noqa: F401 - real app servers in subprocesses
from tests.room.conftest import fresh_channel_layer, open_session  # noqa: F401 - the room's fixtures


@pytest.fixture
def broker_down(settings):
    """Celery publishes to a Redis port nobody listens on (a real connection refused), not eagerly."""
    from peersupport.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    app._pool = None  # connections are pooled per broker URL: start again from the new one
    app.amqp._producer_pool = None
    yield app
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None


@dataclass
class PrivateRedis:
    """A redis-server of the test's own on a free port (the machine's shared Redis is never touched)."""

    port: int
    binary: str
    workdir: object
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, *options, "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    need_service(binary is not None, "redis-server is not installed")
    server = PrivateRedis(port=free_port(), binary=binary, workdir=tmp_path)
    server.start()
    yield server
    server.stop()


class TcpProxy:
    """A TCP proxy in front of PostgreSQL that the test can cut and restore (the shared server is never
    restarted). Cutting drops every open connection and refuses new ones, as a restarting server does."""

    def __init__(self, target: tuple[str, int]):
        import asyncio
        import threading

        self.target = target
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = None
        self.transports: set = set()

    def _run(self, coroutine):
        import asyncio

        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def start(self) -> None:
        self.thread.start()
        self.restore()

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    def close(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    async def _listen(self) -> None:
        import asyncio

        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for transport in list(self.transports):
            transport.abort()
        self.transports.clear()

    async def _handle(self, reader, writer) -> None:
        import asyncio

        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.transports |= {writer.transport, upstream_writer.transport}
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    @staticmethod
    async def _pipe(reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


@pytest.fixture
def postgres_proxy(transactional_db):
    from django.db import connection

    need_service(connection.vendor == "postgresql", "the PostgreSQL drill needs a PostgreSQL DATABASE_URL")
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    yield proxy
    proxy.close()
