"""The trustees' case list, ordered for triage: the riskiest open case first, and whichever waits too long marked.

A new case is "overdue" when nobody has picked it up (it is still New) past the time its risk allows. The
times are the charity's working targets for a first look, not a law's deadline: an immediate risk within
the hour, high the same day, medium within three days, low within a week.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from safeguarding.models import Concern

Risk = Concern.RiskLevel

FIRST_LOOK_WITHIN = {
    Risk.IMMEDIATE: timedelta(hours=1),
    Risk.HIGH: timedelta(hours=8),
    Risk.MEDIUM: timedelta(days=3),
    Risk.LOW: timedelta(days=7),
}

# Highest risk first (0), for sorting.
RISK_RANK = {Risk.IMMEDIATE: 0, Risk.HIGH: 1, Risk.MEDIUM: 2, Risk.LOW: 3}


def ordered_for_triage(queryset: models.QuerySet) -> models.QuerySet:
    """Open cases before closed ones, then by risk (highest first), then the longest waiting first."""
    risk_rank = models.Case(
        *(models.When(risk_level=level, then=models.Value(rank)) for level, rank in RISK_RANK.items()),
        default=models.Value(len(RISK_RANK)),
        output_field=models.IntegerField(),
    )
    is_closed = models.Case(
        models.When(status=Concern.Status.CLOSED, then=models.Value(1)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )
    return queryset.annotate(risk_rank=risk_rank, is_closed=is_closed)


TRIAGE_ORDERING = ["is_closed", "risk_rank", "created_at", "id"]


def first_look_due(concern: Concern) -> datetime:
    return concern.created_at + FIRST_LOOK_WITHIN.get(concern.risk_level, FIRST_LOOK_WITHIN[Risk.LOW])


def overdue_by(concern: Concern, *, now: datetime | None = None) -> timedelta | None:
    """How long past its first-look time a New case is; None when it is not overdue (or not New)."""
    if concern.status != Concern.Status.NEW:
        return None
    late = (now or timezone.now()) - first_look_due(concern)
    return late if late > timedelta(0) else None


def how_long(delta: timedelta) -> str:
    """3 days, 5 hours, 20 minutes: the largest whole unit, plainly."""
    if delta >= timedelta(days=2):
        return f"{delta.days} days"
    if delta >= timedelta(hours=2):
        return f"{int(delta.total_seconds() // 3600)} hours"
    minutes = max(1, int(delta.total_seconds() // 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
