"""The answers the funders' figures average: one query for any period, decrypted here (each row is encrypted,
so the database cannot average them). Who answered is only ever counted, never shown."""

from __future__ import annotations

from datetime import date, datetime

from wellbeing.checkin.models import CheckInAnswer


def answers_between(since: datetime, until: datetime, *, group=None) -> list[tuple[date, int, dict]]:
    """(month, the person's id, their scores) for every answered check-in made in [since, until)."""
    found = CheckInAnswer.objects.answered().filter(created_at__gte=since, created_at__lt=until)
    if group is not None:
        found = found.filter(group=group)
    return [(a.month, a.user_id, a.scores()) for a in found.only("id", "month", "user_id", "answers")]
