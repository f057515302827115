"""Fixtures for fault drills: a broker that is down, and private services a test may stop and start."""

import shutil
import subprocess
import time
from dataclasses import dataclass

import pytest

from tests.faults.servers import app_server  # noqa: F401 - real app servers in subprocesses
from tests.fixtures.gates import need_service
from tests.fixtures.servers import free_port
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


# --- a fake SMTP server that can hold a message half-sent, and Celery workers that send through it --------


class FakeSMTP:
    """Just enough SMTP for Django's backend. `hold()` keeps the next sender waiting at DATA, as a slow mail
    server would, until `release()`; a message counts as delivered only once all of it has arrived."""

    def __init__(self):
        import socketserver
        import threading

        self.delivered: list[str] = []
        self.holding = threading.Event()  # set: the next message is held
        self.held = threading.Event()  # set by the server once a message is being held
        self.released = threading.Event()
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 fake ESMTP\r\n")
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self.wfile.write(b"250 fake\r\n")
                    elif command == "DATA":
                        if smtp.holding.is_set():  # keep the sender waiting before it may send the message
                            smtp.held.set()
                            smtp.released.wait(timeout=60)
                            smtp.holding.clear()
                        try:
                            self.wfile.write(b"354 go ahead\r\n")
                            self.wfile.flush()
                        except OSError:
                            return
                        body = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b""):
                            body.append(data.decode(errors="replace"))
                        if data != b".\r\n":
                            return  # the sender died before finishing the message: nothing delivered
                        smtp.delivered.append("".join(body))
                        self.wfile.write(b"250 queued\r\n")
                    elif command == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:  # MAIL FROM, RCPT TO, RSET, NOOP
                        self.wfile.write(b"250 ok\r\n")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def hold(self) -> None:
        self.released.clear()
        self.held.clear()
        self.holding.set()

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_smtp():
    smtp = FakeSMTP()
    yield smtp
    smtp.close()


@pytest.fixture
def worker_sending_through(transactional_db, settings, tmp_path):
    """worker_sending_through(smtp, **env) -> a started CeleryWorker (prefork, one child) whose emails go to
    the fake SMTP server. Same set-up as tests/fixtures/workers.py's celery_worker_process, but with SMTP and a pool
    whose child can be killed mid-task."""
    import os
    import socket
    import subprocess
    import uuid
    from pathlib import Path

    from django.db import connection

    from peersupport.celery import app
    from tests.faults.servers import database_url_for_tests
    from tests.fixtures.workers import CeleryWorker

    redis_url = os.environ.get("REDIS_URL", "")
    need_service(bool(redis_url), "a real Celery worker needs REDIS_URL")
    need_service(connection.vendor == "postgresql", "a real Celery worker needs a PostgreSQL DATABASE_URL")
    base_dir = Path(__file__).resolve().parent.parent.parent
    workers = []
    app.control.purge()

    def start(smtp: FakeSMTP, **extra) -> CeleryWorker:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "CELERY_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "peersupport.settings",
                "DATABASE_URL": database_url_for_tests(),
                "REDIS_URL": redis_url,
                "DJANGO_DEBUG": "true",
                "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp.port),
                "EMAIL_USE_TLS": "false",
                **extra,
            }
        )
        nodename = f"drill-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        log_path = tmp_path / f"{nodename.split('@')[0]}.log"
        command = [
            str(base_dir / ".venv" / "bin" / "celery"),
            *("-A", "peersupport", "worker", "--pool=prefork", "--concurrency=1", "-l", "info", "-n", nodename),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=base_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        worker = CeleryWorker(process=process, nodename=nodename, email_dir=tmp_path, log_path=log_path)
        workers.append(worker)
        deadline = time.monotonic() + 30
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start. Its log:\n{worker.log()}")
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
            try:
                worker.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=5)


def children_of(pid: int) -> list[int]:
    """The process ids whose parent is pid (Linux /proc)."""
    from pathlib import Path

    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children
