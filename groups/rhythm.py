"""Does a group's stated rhythm ("Tuesdays, 7 pm to 8.30 pm, weekly") agree with its planned sessions?

The rhythm is words a trustee typed; the sessions are what leaders schedule. When the next sessions fall on
another day or start at another time than the words say, the leaders are told on the group's page, with
the rhythm the schedule itself shows, so members are never given two different answers for long.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils import timezone

from core import britishtime

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.IGNORECASE)
_TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_RANGE = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(?:\u2013|-|to)\s*\d{1,2}(?:[.:]\d{2})?\s*(am|pm)\b", re.IGNORECASE)
_MIDDAY = re.compile(r"\b(midday|noon)\b", re.IGNORECASE)


def stated_weekdays(rhythm: str) -> set[int]:
    """The weekdays the words name (0 = Monday); empty when they name none ("Every day")."""
    return {WEEKDAYS.index(f"{m.group(1).lower()}day") for m in _WEEKDAY.finditer(rhythm)}


def stated_start(rhythm: str) -> tuple[int, int] | None:
    """The first time the words give, as (hour, minute) on a 24-hour clock; None when there is none or it
    is ambiguous (a bare "7" with no am/pm anywhere after it)."""
    times = [m for m in _TIME.finditer(rhythm) if m.group(2) or m.group(3)]
    ranged = _RANGE.search(rhythm)  # "7-8.30 pm": the first time takes the am or pm of the second
    if ranged and (not times or ranged.start() <= times[0].start()):
        hour, minute, suffix = int(ranged.group(1)), int(ranged.group(2) or 0), ranged.group(3)
    elif _MIDDAY.search(rhythm) and (not times or _MIDDAY.search(rhythm).start() < times[0].start()):
        return (12, 0)
    elif not times:
        return None
    else:
        first = times[0]
        hour, minute, suffix = int(first.group(1)), int(first.group(2) or 0), first.group(3)
        if suffix is None:  # a 24-hour time ("18:30"); a bare "7" is not guessed
            return (hour, minute) if ":" in first.group(0) else None
    if hour > 12:
        return None
    pm = suffix.lower().startswith("p")
    return ((hour % 12) + (12 if pm else 0), minute)


def schedule_rhythm(sessions: Sequence) -> str | None:
    """ "Fridays, 4.12 pm to 5.42 pm" when the sessions share a day and times; None otherwise."""
    if not sessions:
        return None
    local = [(timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)) for s in sessions]
    first_start, first_end = local[0]
    same = all(
        (start.weekday(), start.time(), end.time()) == (first_start.weekday(), first_start.time(), first_end.time())
        for start, end in local
    )
    if not same:
        return None
    return f"{first_start:%A}s, {britishtime.span(sessions[0].starts_at, sessions[0].ends_at)}"


def disagreement(rhythm: str, sessions: Sequence) -> str | None:
    """A sentence for the leaders when the next sessions don't match the stated rhythm; None when they do."""
    days, start = stated_weekdays(rhythm), stated_start(rhythm)
    if not sessions or (not days and start is None):
        return None
    for session in sessions:
        moment = timezone.localtime(session.starts_at)
        if (days and moment.weekday() not in days) or (start is not None and (moment.hour, moment.minute) != start):
            schedule = schedule_rhythm(sessions)
            shown = f" The schedule says: {schedule}." if schedule else ""
            return (
                f"The group's description says “{rhythm}”, but the session on "
                f"{britishtime.day_and_time(session.starts_at)} doesn't match it.{shown} "
                "Members read both: please move the session, or ask a trustee to change the description."
            )
    return None
