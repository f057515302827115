"""A member's calendar (RFC 5545), built by hand: topic and time of each session, nothing else.

No meeting link, no group name, no people: a calendar is often synced to other devices and services.
Lines end in CRLF, text is escaped (backslash, semicolon, comma, newline) and long lines are folded
at 75 octets without splitting a UTF-8 character.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from sessions.models import GroupSession

CRLF = "\r\n"
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets; continuation lines start with a space."""
    chunks, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_LINE_OCTETS if not chunks else MAX_LINE_OCTETS - 1  # the leading space counts
        if size + width > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "peersupport.invalid"


def event_lines(session: GroupSession, *, stamp: str, domain: str) -> list[str]:
    cancelled = session.status == GroupSession.Status.CANCELLED
    return [
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{domain}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(session.starts_at)}",
        f"DTEND:{utc_stamp(session.ends_at)}",
        f"SUMMARY:{escape_text(session.topic)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def build_calendar(sessions: Iterable[GroupSession], *, now: datetime | None = None) -> str:
    stamp = utc_stamp(now or timezone.now())
    domain = _uid_domain()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Peer Support//Group sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Peer Support sessions",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for session in sessions:
        lines.extend(event_lines(session, stamp=stamp, domain=domain))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
