"""Real app servers in subprocesses for the drills: the web server exactly as docker-compose.yml runs it
(daphne or uvicorn, with its flags and its environment), in production mode, on the test database.

`AppServer` can be stopped and started again on the same port. Requests go through plain sockets
(`http_get`, `http_post`, a `Browser` that keeps its own cookies), never through Django's test client,
so what is tested is what a browser gets from the real server.
"""

import http.client
import os
import re
import shlex
import socket
import subprocess
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def compose_web_command() -> list[str]:
    """The web service's command in docker-compose.yml, e.g. ["daphne", "-b", "0.0.0.0", "-p", "8000", ...]."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def compose_web_environment() -> dict[str, str]:
    """The web service's environment in docker-compose.yml (e.g. the channel layer and pool it chooses),
    without what the drills set themselves (database, Redis, debug)."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["services"]["web"].get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    ours = {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"}
    return {key: str(value) for key, value in environment.items() if key not in ours}


# Where each server takes its address and port.
ADDRESS_FLAGS = {"daphne": ("-b", "-p"), "uvicorn": ("--host", "--port")}


def web_command(port: int) -> list[str]:
    """The compose web command (daphne or uvicorn, with its flags), on loopback and the given port."""
    command = compose_web_command()
    server = command[0]
    assert server in ADDRESS_FLAGS, f"the drills know daphne and uvicorn, not {server}: teach tests/faults/servers.py"
    args = command[1:]
    for flag, value in zip(ADDRESS_FLAGS[server], ("127.0.0.1", str(port)), strict=True):
        args[args.index(flag) + 1] = value
    return [str(BASE_DIR / ".venv" / "bin" / server), *args]


def database_url_for_tests() -> str:
    """The pytest-django test database (PostgreSQL), as a URL for another process."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def production_env(
    *, database_url: str, redis_url: str, secret_key: str, encryption_keys: list[str], **extra: str
) -> dict:
    """Production mode. The secret key is the test process's, so sign-ins made in the test are valid there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_", "CELERY_", "EMAIL_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secret_key,
            "FIELD_ENCRYPTION_KEYS": ",".join(encryption_keys),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; production sits behind TLS
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **compose_web_environment(),
            **extra,
        }
    )
    return env


@dataclass
class AppServer:
    port: int
    command: list[str]
    env: dict
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def start(self, *, timeout: float = 30) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the subprocess writes to it until stopped
        self.process = subprocess.Popen(self.command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the app server did not start. Its log:\n{self.log()}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def app_server(transactional_db, settings, tmp_path):
    """app_server(redis_url=..., database_url=None, **env) -> a started AppServer (compose's web command)."""
    from django.db import connection

    from tests.fixtures.gates import need_service
    from tests.fixtures.servers import free_port

    need_service(connection.vendor == "postgresql", "an app server in another process needs a PostgreSQL DATABASE_URL")
    servers = []

    def make(*, redis_url: str, database_url: str | None = None, **extra) -> AppServer:
        port = free_port()
        env = production_env(
            database_url=database_url or database_url_for_tests(),
            redis_url=redis_url,
            secret_key=settings.SECRET_KEY,
            encryption_keys=settings.FIELD_ENCRYPTION_KEYS,
            **extra,
        )
        server = AppServer(port, web_command(port), env, tmp_path / f"server-{port}.log")
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()


# --- HTTP without Django's test client ----------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: str


def request(
    server: AppServer, method: str, path: str, *, headers: dict | None = None, body: str = "", timeout: float = 10
) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        raw = connection.getresponse()
        headers_out: dict = {}
        for name, value in raw.getheaders():
            headers_out.setdefault(name.lower(), []).append(value)
        return Response(raw.status, headers_out, raw.read().decode(errors="replace"))
    finally:
        connection.close()


@dataclass
class Browser:
    """Keeps cookies (Secure ones too: the drills speak plain HTTP to loopback) and the CSRF token."""

    server: AppServer
    cookies: dict = field(default_factory=dict)

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Host": f"127.0.0.1:{self.server.port}", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _remember(self, response: Response) -> Response:
        for header in response.headers.get("set-cookie", []):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str, **headers) -> Response:
        return self._remember(request(self.server, "GET", path, headers=self._headers(headers)))

    def post(self, path: str, data: dict, **headers) -> Response:
        if "csrftoken" not in self.cookies:
            self.get(path)
        form = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
        extra = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.server.origin + path, **headers}
        return self._remember(request(self.server, "POST", path, headers=self._headers(extra), body=form))


TRACEBACK_SIGNS = re.compile(r"Traceback|File \"/|line \d+, in|psycopg|OperationalError|DEBUG = True", re.I)
