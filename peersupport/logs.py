"""Log lines and error emails that carry no personal data.

Production logs one JSON object per line (LOG_FORMAT=json) with a fixed set of keys: never the request
object Django attaches to its error records, never local variables. Email addresses and long tokens
(invitation links, calendar feeds, meeting links) are blanked in the message and the traceback, because
an exception's text can quote the value that failed (an IntegrityError names the duplicate email).

Our own formatter rather than python-json-logger: that library serialises every `extra` attribute of a
record (Django's `request` included), which is exactly what must stay out; an allow-list is shorter here.
"""

import json
import logging
import re
import traceback
from datetime import UTC, datetime

from django.core.mail import mail_admins

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Secrets in URLs are url-safe base64 of 24+ bytes; Fernet tokens ("gAAAA...") are longer still.
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}={0,2}")


def scrub(text: str) -> str:
    """The text with email addresses and long tokens blanked."""
    return TOKEN.sub("[token]", EMAIL.sub("[email]", text))


def _traceback(record: logging.LogRecord) -> str | None:
    if not record.exc_info or record.exc_info[0] is None:
        return None
    # format_exception prints source lines and the exception's message, never local variables.
    return scrub("".join(traceback.format_exception(*record.exc_info)))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if (text := _traceback(record)) is not None:
            line["exception"] = text
        return json.dumps(line, ensure_ascii=False)


class ErrorEmailHandler(logging.Handler):
    """Error emails to ADMINS with the message and traceback only.

    Django's AdminEmailHandler adds the request (its POST data, cookies, headers) and the local variables
    of every frame: protected text or a session cookie could end up in someone's inbox.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            subject = f"{record.levelname} {record.name}: {scrub(record.getMessage())}"
            subject = subject.replace("\n", " ").replace("\r", " ")[:150]
            body = scrub(record.getMessage())
            if (text := _traceback(record)) is not None:
                body += "\n\n" + text
            mail_admins(subject, body, fail_silently=True)
        except Exception:  # a broken mail server must not break the request that logged the error
            self.handleError(record)


# --- Sentry (only when SENTRY_DSN is set) ---------------------------------------------------------------------

# No personal data: no user, no request body, cookies or headers, no local variables, no performance traces.
SENTRY_OPTIONS = {
    "send_default_pii": False,
    "include_local_variables": False,
    "max_request_body_size": "never",
    "traces_sample_rate": 0.0,
    "max_breadcrumbs": 0,  # breadcrumbs carry SQL with its parameters and earlier log lines
}


def scrub_sentry_event(event: dict, hint: dict) -> dict:
    """What leaves for Sentry: the error, where it happened, and the URL's path with its tokens blanked."""
    request = event.get("request") or {}
    if request:
        event["request"] = {"method": request.get("method"), "url": scrub(str(request.get("url", "")).split("?")[0])}
    for key in ("user", "extra", "breadcrumbs", "contexts_user"):
        event.pop(key, None)
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = scrub(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    if logentry := event.get("logentry"):
        logentry["message"] = scrub(str(logentry.get("message", "")))
        logentry["params"] = []
        if "formatted" in logentry:
            logentry["formatted"] = scrub(str(logentry["formatted"]))
    if "message" in event:
        event["message"] = scrub(str(event["message"]))
    return event


def init_sentry(dsn: str) -> None:
    """Error reports to Sentry, scrubbed (settings.py calls this when SENTRY_DSN is set)."""
    import sentry_sdk

    sentry_sdk.init(dsn=dsn, before_send=scrub_sentry_event, **SENTRY_OPTIONS)
