"""Shared fixtures: factories, the cast of the permission ladder, service gates and a live ASGI server.

Tests that need a service we do not have skip with the reason locally; with CI=true every skip
becomes a failure (see pytest_runtest_makereport), so CI never passes by skipping.
"""

import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from groups.models import Agreement, GuidelinesVersion, Membership, SupportGroup

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TEST_PASSWORD = "a-long-test-password-1"


def pytest_collection_modifyitems(config, items):
    """Integration tests need REDIS_URL and DATABASE_URL; without them (the embedded run) they are deselected."""
    if os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL"):
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("integration") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
        config._integration_deselected = len(deselected)


def pytest_terminal_summary(terminalreporter, config):
    """Say why tests were deselected, so a green run is not mistaken for the integration run."""
    if count := getattr(config, "_integration_deselected", 0):
        missing = " and ".join(name for name in ("REDIS_URL", "DATABASE_URL") if not os.environ.get(name))
        terminalreporter.write_line(
            f"{count} integration test(s) deselected: {missing} not set. "
            "`make test-integration` runs them against the local PostgreSQL and Redis."
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"CI=true turns skips into failures: {reason}"


def need_service(ok: bool, reason: str) -> None:
    """Skip (locally) when a service is missing; CI turns the skip into a failure."""
    if not ok:
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (with REDIS_URL the cache is a shared Redis database)."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- factories ---------------------------------------------------------------------------------


@pytest.fixture
def user_factory(db):
    from allauth.account.models import EmailAddress

    from members.models import User

    counter = iter(range(1, 100_000))

    def make(email: str | None = None, *, display_name: str | None = None, verified: bool = True, **extra):
        n = next(counter)
        email = email or f"person{n}@example.org"
        user = User.objects.create_user(email, TEST_PASSWORD, display_name=display_name or f"Person {n}", **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


def enable_mfa(user) -> str:
    """Give a user a TOTP authenticator (leaders and trustees must have one); returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def group_factory(db):
    counter = iter(range(1, 100_000))

    def make(name: str | None = None, **extra) -> SupportGroup:
        n = next(counter)
        name = name or f"Group {n}"
        extra.setdefault("slug", f"group-{n}")
        extra.setdefault("description", f"A peer support group ({n}).")
        extra.setdefault("meeting_rhythm", "Tuesdays, 7 pm")
        group = SupportGroup.objects.create(name=name, **extra)
        GuidelinesVersion.objects.create(group=group, number=1)
        return group

    return make


@pytest.fixture
def membership_factory(db, user_factory):
    def make(group, user=None, *, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE, agreed=True):
        user = user or user_factory()
        membership = Membership.objects.create(
            group=group,
            user=user,
            role=role,
            status=status,
            joined_at=timezone.now() if status != Membership.Status.PENDING else None,
        )
        if agreed and (version := group.current_guidelines()):
            Agreement.objects.get_or_create(user=user, version=version)
        if role == Membership.Role.LEADER and status == Membership.Status.ACTIVE:
            enable_mfa(user)
        return membership

    return make


@pytest.fixture
def session_factory(db):
    from sessions.models import GroupSession

    def make(group, *, starts_in: timedelta = timedelta(days=1), length: timedelta = timedelta(minutes=90), **extra):
        starts_at = timezone.now() + starts_in
        extra.setdefault("topic", "Looking after ourselves")
        extra.setdefault("meeting_link", "https://meet.example.org/secret-room-7f3a")
        return GroupSession.objects.create(group=group, starts_at=starts_at, ends_at=starts_at + length, **extra)

    return make


@pytest.fixture
def trustee_factory(user_factory):
    from members.roles import TRUSTEES_GROUP, sync_trustees_group

    def make(**extra):
        sync_trustees_group()
        user = user_factory(is_staff=True, **extra)
        user.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
        enable_mfa(user)
        return user

    return make


@dataclass
class Cast:
    """The permission ladder: everyone who might open a guarded page."""

    group: SupportGroup
    other_group: SupportGroup
    leader: object
    co_leader: object
    member: object
    pending: object
    suspended: object
    removed: object
    other_leader: object
    trustee: object
    outsider: object


@pytest.fixture
def cast(group_factory, membership_factory, user_factory, trustee_factory) -> Cast:
    group = group_factory("Evening group")
    other = group_factory("Morning group")
    S, R = Membership.Status, Membership.Role
    return Cast(
        group=group,
        other_group=other,
        leader=membership_factory(group, user_factory(display_name="Leader Lee"), role=R.LEADER).user,
        co_leader=membership_factory(group, user_factory(display_name="Co Leader"), role=R.LEADER).user,
        member=membership_factory(group, user_factory(display_name="Member Mo")).user,
        pending=membership_factory(group, status=S.PENDING, agreed=False).user,
        suspended=membership_factory(group, status=S.SUSPENDED).user,
        removed=membership_factory(group, status=S.REMOVED).user,
        other_leader=membership_factory(other, user_factory(display_name="Other Leader"), role=R.LEADER).user,
        trustee=trustee_factory(display_name="Trustee Tess"),
        outsider=user_factory(display_name="Outsider Oz"),
    )


@pytest.fixture
def auth_client(client):
    """auth_client(user) -> the test client, logged in as user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- a live ASGI server (HTTP + websockets) in a thread, for browser tests ----------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    host: str
    port: int


@pytest.fixture
def live_asgi(transactional_db, settings):
    """Serve peersupport.asgi.application with uvicorn in a thread, sharing the test database."""
    import uvicorn

    port = free_port()
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    from peersupport.asgi import application

    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live ASGI server did not start")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", host="127.0.0.1", port=port)
    server.should_exit = True
    thread.join(timeout=10)


# --- real Chromium through Playwright ----------------------------------------------------------


# Module scope, not session: Playwright's sync API keeps its event loop marked as running while it is
# open, so asyncio tests (consumers) collected after a browser module could not start their own loop.
@pytest.fixture(scope="module")
def chromium_browser():
    need_service(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium_browser):
    """A fresh browser context per test; call it again for a second person (e.g. member and leader)."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium_browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def browser_login(context, live: LiveServer, email: str, password: str = TEST_PASSWORD):
    """Sign in through the real login form; returns the page."""
    page = context.new_page()
    page.goto(f"{live.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    return page


# --- a real Celery worker, for integration tests -----------------------------------------------


@dataclass
class CeleryWorker:
    """A running `celery worker` subprocess; the emails it sends are files in email_dir."""

    process: object
    nodename: str
    email_dir: object
    log_path: object

    def emails(self) -> list:
        """Every email the worker has sent so far, as email.message.Message objects (oldest file first)."""
        import email

        messages = []
        for path in sorted(self.email_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_text().split("-" * 79):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk.lstrip("\n")))
        return messages

    def wait_for_emails(self, count: int, *, timeout: float = 30) -> list:
        """Wait until the worker has sent at least `count` emails; fail with its log if it does not."""
        deadline = time.monotonic() + timeout
        while len(found := self.emails()) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"expected {count} emails, the worker sent {len(found)}. Worker log:\n{self.log()}")
            time.sleep(0.1)
        return found

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, settings):
    """Start `.venv/bin/celery -A peersupport worker --pool=solo` against the pytest-django test database.

    Needs REDIS_URL and a PostgreSQL DATABASE_URL (the test database is `test_<NAME>`; transactional_db
    commits rows so the worker sees them). Tasks the test queues go through the real broker; emails are
    written as files (EMAIL_FILE_PATH) that `worker.emails()` / `worker.wait_for_emails(n)` read back.
    The queue is purged first so leftovers of earlier runs never touch this database.
    """
    import subprocess
    import uuid
    from pathlib import Path

    from django.db import connection

    from peersupport.celery import app

    redis_url = os.environ.get("REDIS_URL", "")
    need_service(bool(redis_url), "a real Celery worker needs REDIS_URL")
    need_service(connection.vendor == "postgresql", "a real Celery worker needs a PostgreSQL DATABASE_URL")

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    email_dir = tmp_path / "emails"
    email_dir.mkdir()
    log_path = tmp_path / "celery-worker.log"
    base_dir = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peersupport.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_FILE_PATH": str(email_dir),
        "DJANGO_DEBUG": "true",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "SITE_URL": settings.SITE_URL,
    }
    env.pop("EMAIL_HOST", None)

    app.control.purge()
    nodename = f"pytest-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    command = [
        str(base_dir / ".venv" / "bin" / "celery"),
        "-A",
        "peersupport",
        "worker",
        "--pool=solo",
        "-l",
        "warning",
        "-n",
        nodename,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=base_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = CeleryWorker(process=process, nodename=nodename, email_dir=email_dir, log_path=log_path)
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start. Its log:\n{worker.log()}")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
