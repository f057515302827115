"""Keep working tokens out of the logs, and keep refusals out of the error log.

Refused and failed requests are logged with their path ("Forbidden: /sessions/4/go/<ticket>/"), and so
is every request line in a server's access log. Some paths carry a secret: a join ticket that may still
work for its owner, an invitation, a calendar feed, allauth's email confirmation and password reset keys.
`RedactTokens` replaces those path segments (and token-like query values) with "[redacted]" in the
records of Django's request loggers and the ASGI servers' access loggers, before any handler sees them.

`QuietRefusals` logs a 403 as an ordinary event (INFO, no traceback): Django logs each PermissionDenied
at WARNING with the whole traceback, and a refusal is the app working, not failing.

Attached to the loggers in PeerSupportConfig.ready() rather than through LOGGING, so that the servers'
own logging set-up (uvicorn's, daphne's) keeps its handlers and formats.
"""

import logging
import re

# Path segments that are secrets: the segment after these prefixes, up to the next "/", "?" or space.
_TOKEN_SEGMENT = re.compile(
    r"(?P<prefix>/invite/|/go/|/calendar/|/confirm-email/|/password/reset/key/)[^/?#\s\"']+",
)
_TOKEN_QUERY = re.compile(r"(?P<prefix>[?&](?:token|key|code|ticket)=)[^&#\s\"']+", re.IGNORECASE)
REDACTED = "[redacted]"

REQUEST_LOGGERS = ("django.request", "django.server", "uvicorn.access", "daphne.http_protocol", "daphne.server")


def redact(text: str) -> str:
    """The text with every token segment of a URL in it replaced."""
    text = _TOKEN_SEGMENT.sub(lambda m: m["prefix"] + REDACTED, text)
    return _TOKEN_QUERY.sub(lambda m: m["prefix"] + REDACTED, text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


class QuietRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
            record.exc_info = record.exc_text = None
        return True


def install() -> None:
    """Attach the filters to the request and access loggers (idempotent)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    request_logger = logging.getLogger("django.request")
    if not any(isinstance(f, QuietRefusals) for f in request_logger.filters):
        request_logger.addFilter(QuietRefusals())
