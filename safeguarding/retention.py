"""Retention: closed cases and old attendance go after the periods in settings (a beat task), audited once."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import record
from safeguarding.models import CaseNote, Concern
from safeguarding.signals import retention_due


def purge_expired_records(*, now: datetime | None = None) -> dict[str, int]:
    """Delete closed cases and attendance older than the retention periods in settings (audited)."""
    now = now or timezone.now()
    case_cutoff = now - timedelta(days=settings.RETENTION_CLOSED_CASE_DAYS)
    counts = {"concerns": 0, "case_notes": 0}
    with transaction.atomic():
        expired = Concern.objects.filter(status=Concern.Status.CLOSED, closed_at__lt=case_cutoff)
        counts["case_notes"] = CaseNote.objects.filter(concern__in=expired).count()
        # Django's collector deletes the notes with their case (CaseNote refuses only direct deletes).
        counts["concerns"] = _delete(expired, Concern)
        # The apps above purge their own expired records (sessions: attendance, sessions/receivers.py).
        for _receiver, purged in retention_due.send(sender=Concern, now=now):
            counts.update(purged)
        if any(counts.values()):
            record(
                "safeguarding.retention.purged",
                actor=None,
                data={
                    **counts,
                    "closed_case_days": settings.RETENTION_CLOSED_CASE_DAYS,
                    "attendance_days": settings.RETENTION_ATTENDANCE_DAYS,
                },
            )
    return counts


@shared_task(name="safeguarding.purge_expired_records")
def purge_expired_records_task() -> dict:
    """Beat: closed cases and old attendance go after the retention periods in settings."""
    return purge_expired_records()


def _delete(queryset, model) -> int:
    """Delete through Django's collector (cascades included); returns how many rows of `model` went."""
    _, per_model = queryset.delete()
    return per_model.get(model._meta.label, 0)
