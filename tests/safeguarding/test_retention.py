"""Retention: closed cases and old attendance are purged after the configured periods, audited."""

from datetime import timedelta

from django.utils import timezone

from core.models import AuditEvent
from safeguarding import retention, services
from safeguarding.models import CaseNote, Concern


def close(concern, actor, *, days_ago: int):
    services.change_concern_status(concern, actor=actor, status=Concern.Status.CLOSED, reason="Resolved.")
    Concern.objects.filter(pk=concern.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))


def test_closed_cases_older_than_the_period_go_with_their_notes(cast, concern_factory, settings):
    settings.RETENTION_CLOSED_CASE_DAYS = 30
    old, recent, still_open = concern_factory(), concern_factory(), concern_factory()
    services.add_case_note(old, actor=cast.trustee, text="Resolved")
    close(old, cast.trustee, days_ago=31)
    close(recent, cast.trustee, days_ago=29)
    Concern.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - timedelta(days=400))

    counts = retention.purge_expired_records()

    assert counts["concerns"] == 1 and counts["case_notes"] == 1
    assert set(Concern.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not CaseNote.objects.filter(concern_id=old.pk).exists()
    event = AuditEvent.objects.get(action="safeguarding.retention.purged")
    assert event.data["concerns"] == 1 and event.data["closed_case_days"] == 30


def test_old_attendance_is_purged(cast, session_factory, settings):
    from sessions.models import Attendance

    settings.RETENTION_ATTENDANCE_DAYS = 10
    old_session = session_factory(cast.group, starts_in=timedelta(days=-20))
    new_session = session_factory(cast.group, starts_in=timedelta(days=-2))
    old = Attendance.objects.create(
        session=old_session, user=cast.member, joined_at=timezone.now() - timedelta(days=20)
    )
    new = Attendance.objects.create(session=new_session, user=cast.member, joined_at=timezone.now() - timedelta(days=2))

    counts = retention.purge_expired_records()

    assert counts["attendance"] == 1
    assert list(Attendance.objects.values_list("pk", flat=True)) == [new.pk]
    assert not Attendance.objects.filter(pk=old.pk).exists()


def test_nothing_to_purge_writes_no_audit_event(db):
    assert retention.purge_expired_records() == {"concerns": 0, "case_notes": 0, "attendance": 0}
    assert not AuditEvent.objects.exists()


def test_the_beat_task_runs_the_purge(cast, concern_factory, settings):
    settings.RETENTION_CLOSED_CASE_DAYS = 1
    close(concern_factory(), cast.trustee, days_ago=2)

    assert retention.purge_expired_records_task.delay().get()["concerns"] == 1
