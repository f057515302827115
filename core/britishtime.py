"""One way to write time, British and calm: "7 pm", "7.30 pm", "Tuesday 2 December", "2 December 2026".

Every page, email and the room's script (static/js/socket.js, formatClock) write times this way, through
the template filters in peersupport/templatetags/when.py (loaded for every template as a builtin). Django's
own `date` formats cannot say "7 pm" without minutes or "7.30 pm" with a dot, hence these few lines.

Each function takes an aware datetime (or None, which gives "") and writes it in the current time zone
(the person's, set by the middleware or a `{% timezone %}` block).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def clock(value: datetime | None) -> str:
    """7 pm, 7.30 pm, midday, midnight."""
    if value is None:
        return ""
    moment = _local(value)
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour} {suffix}" if moment.minute == 0 else f"{hour}.{moment.minute:02d} {suffix}"


def day(value: datetime | date | None) -> str:
    """Tuesday 2 December; with the year when it is not this year (Tuesday 2 December 2027)."""
    if value is None:
        return ""
    moment = _local(value) if isinstance(value, datetime) else value
    text = f"{moment:%A} {moment.day} {moment:%B}"
    this_year = timezone.localdate().year
    return text if moment.year == this_year else f"{text} {moment.year}"


def day_and_time(value: datetime | None) -> str:
    """Tuesday 2 December, 7.30 pm."""
    return f"{day(value)}, {clock(value)}" if value is not None else ""


def date_long(value: datetime | date | None) -> str:
    """2 December 2026: when something was recorded (joined, raised, made)."""
    if value is None:
        return ""
    moment = _local(value) if isinstance(value, datetime) else value
    return f"{moment.day} {moment:%B} {moment.year}"


def stamp(value: datetime | None) -> str:
    """2 December 2026, 7.30 pm: a recorded moment."""
    return f"{date_long(value)}, {clock(value)}" if value is not None else ""


def month(value: datetime | date | None) -> str:
    """December 2026."""
    if value is None:
        return ""
    return f"{value:%B} {value.year}"


def span(start: datetime | None, end: datetime | None) -> str:
    """7 pm to 8.30 pm."""
    if start is None or end is None:
        return clock(start or end)
    return f"{clock(start)} to {clock(end)}"


def machine(value: datetime | date | None) -> str:
    """For <time datetime>: ISO 8601 to the second, in the current time zone (HTML allows no microseconds)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).replace(microsecond=0).isoformat()
    return value.isoformat()
