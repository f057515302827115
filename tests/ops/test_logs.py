"""Production log lines are JSON, one per event, and hold no personal data; error emails carry no request."""

import io
import json
import logging
import sys

import pytest
from django.core import mail
from django.test import RequestFactory

from peersupport.logs import ErrorEmailHandler, JsonFormatter
from tests.foundation.test_settings import PRODUCTION, run_manage

PROTECTED = "I am frightened of what my brother might do"  # a concern's text
EMAIL = "alex.member@example.org"
TOKEN = "Qm9vay1hLXNlc3Npb24tdG9rZW4tbm90LWZvci1sb2dz_x"


def failing_request_record():
    """What Django logs for a 500: the request (POST body, cookies) attached, the exception with its text."""
    request = RequestFactory().post(
        f"/groups/invite/{TOKEN}/", {"text": PROTECTED, "email": EMAIL}, HTTP_COOKIE="sessionid=abcdef123"
    )
    try:
        secret_local = PROTECTED  # noqa: F841 - a local variable Django's error report would show
        raise ValueError(f"duplicate key value (email)=({EMAIL})")
    except ValueError:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (request.path,), exc_info
    ), request


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    return stream, handler


def test_a_server_error_is_one_json_line_without_protected_text_email_or_token(json_lines):
    stream, handler = json_lines
    record, request = failing_request_record()
    record.request = request
    record.status_code = 500
    handler.emit(record)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert set(event) == {"time", "level", "logger", "message", "status", "exception"}
    assert event["level"] == "ERROR"
    assert event["logger"] == "django.request"
    assert event["status"] == 500
    assert "ValueError: duplicate key value (email)=([email])" in event["exception"]
    assert event["message"] == "Internal Server Error: /groups/invite/[token]/"
    for secret in (PROTECTED, EMAIL, TOKEN, "sessionid", "abcdef123"):
        assert secret not in lines[0]


def test_a_multi_line_message_stays_one_line(json_lines):
    stream, handler = json_lines
    handler.emit(logging.LogRecord("x", logging.INFO, __file__, 1, "first\nsecond", (), None))
    assert len(stream.getvalue().splitlines()) == 1
    assert json.loads(stream.getvalue())["message"] == "first\nsecond"


def test_error_email_holds_the_traceback_but_no_request_data(settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    record, request = failing_request_record()
    record.request = request
    ErrorEmailHandler().emit(record)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.org"]
    assert "ERROR django.request: Internal Server Error" in message.subject
    assert "ValueError" in message.body
    for secret in (PROTECTED, EMAIL, TOKEN, "sessionid", "abcdef123", "secret_local"):
        assert secret not in message.subject + message.body


def test_production_json_logging_replaces_djangos_request_mailing_handler():
    code = (
        "import logging; from peersupport.logs import ErrorEmailHandler, JsonFormatter; "
        "root = logging.getLogger(); django = logging.getLogger('django'); "
        "print(type(root.handlers[0].formatter).__name__, "
        "any(isinstance(h, ErrorEmailHandler) for h in root.handlers), len(django.handlers))"
    )
    env = {**PRODUCTION, "LOG_FORMAT": "json", "ADMINS": "Ops <ops@example.org>"}
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "JsonFormatter True 0"


def test_an_unknown_log_format_is_refused():
    result = run_manage("check", env={**PRODUCTION, "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr


def test_the_celery_worker_logs_through_our_logging_not_its_own_format():
    from peersupport.celery import app

    assert app.conf.worker_hijack_root_logger is False
