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
