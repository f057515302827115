"""With SENTRY_DSN set, a failing page reaches Sentry without personal data: no form fields, cookies, headers,
user, local variables or SQL breadcrumbs, and emails and tokens blanked in the error's text and URL."""

import json
import os
import subprocess
import sys

import pytest
import sentry_sdk
from django.test import Client
from sentry_sdk.transport import Transport

from peersupport.logs import SENTRY_OPTIONS, scrub_sentry_event

PROTECTED = "I am frightened of what my brother might do"
EMAIL = "alex.member@example.org"


class CapturedEvents(Transport):
    """Sentry's own transport interface, keeping the envelopes instead of sending them."""

    events: list = []

    def capture_envelope(self, envelope):
        if (event := envelope.get_event()) is not None:
            CapturedEvents.events.append(event)


@pytest.fixture
def sentry():
    CapturedEvents.events = []
    sentry_sdk.init(
        dsn="https://public@sentry.example.invalid/1",
        transport=CapturedEvents,
        before_send=scrub_sentry_event,
        **SENTRY_OPTIONS,
    )
    yield CapturedEvents.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again for the other tests


def test_a_failing_page_reaches_sentry_without_personal_data(sentry, cast, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError(f"could not notify the leaders about {EMAIL}")

    monkeypatch.setattr("groups.services.request_to_join", fail)
    client = Client(raise_request_exception=False)
    client.force_login(cast.outsider)
    response = client.post(
        f"/groups/{cast.group.slug}/ask/?t=Qm9vay1hLXNlc3Npb24tdG9rZW4tbm90LWZvci1sb2dz", {"note": PROTECTED}
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    assert len(sentry) == 1
    event = sentry[0]
    text = json.dumps(event)
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["exception"]["values"][-1]["value"] == "could not notify the leaders about [email]"
    assert set(event.get("request", {})) <= {"method", "url"}
    for secret in (PROTECTED, EMAIL, "sessionid", "csrftoken", cast.outsider.email, "Qm9vay1h"):
        assert secret not in text
    assert "user" not in event
    assert all("vars" not in frame for frame in event["exception"]["values"][-1]["stacktrace"]["frames"])


def test_the_request_sentry_would_send_keeps_only_the_method_and_the_path():
    event = {
        "request": {
            "method": "GET",
            "url": "https://peersupport.example.org/sessions/feed/Qm9vay1hLXNlc3Npb24tdG9rZW4tbm90LWZvci1sb2dz/",
            "query_string": f"email={EMAIL}",
            "cookies": {"sessionid": "abcdef123"},
            "headers": {"Cookie": "sessionid=abcdef123", "X-Forwarded-For": "203.0.113.9"},
            "data": {"note": PROTECTED},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 7, "email": EMAIL, "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"category": "query", "data": {"params": [EMAIL]}}]},
        "logentry": {"message": f"Failed for {EMAIL}", "params": [PROTECTED]},
    }
    scrubbed = scrub_sentry_event(event, {})
    assert scrubbed["request"] == {"method": "GET", "url": "https://peersupport.example.org/sessions/feed/[token]/"}
    text = json.dumps(scrubbed)
    for secret in (PROTECTED, EMAIL, "abcdef123", "203.0.113.9"):
        assert secret not in text


def test_settings_turn_sentry_on_only_with_a_dsn():
    code = "import sentry_sdk; c = sentry_sdk.get_client(); print(c.is_active(), c.options['send_default_pii'])"
    base = {k: v for k, v in os.environ.items() if k not in {"SENTRY_DSN", "DATABASE_URL", "REDIS_URL"}}
    base.pop("PEERSUPPORT_TESTING", None)
    on = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env={**base, "SENTRY_DSN": "https://public@sentry.example.invalid/1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert on.stdout.strip().splitlines()[-1] == "True False", on.stderr
    off = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert off.stdout.strip().splitlines()[-1].startswith("False"), off.stderr
