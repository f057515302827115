"""The no-leader alert sent by a real Celery worker over Redis, against PostgreSQL, exactly once (integration run)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import GroupSession
from wellbeing.models import NoLeaderAlert
from wellbeing.tasks import check_for_leaderless_sessions, send_no_leader_alert

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_no_leader_alert_is_sent_once_by_a_real_worker(celery_worker_process, cast, session_factory):
    now = timezone.now()
    session = session_factory(
        cast.group,
        starts_in=timedelta(minutes=-10),
        status=GroupSession.Status.OPEN,
        opened_at=now - timedelta(minutes=10),
        topic="Finding calm",
    )
    check_for_leaderless_sessions.delay()
    check_for_leaderless_sessions.delay()  # beat's next run, before the first email has even gone
    messages = celery_worker_process.wait_for_emails(2)
    assert sorted(message["To"] for message in messages) == sorted([cast.leader.email, cast.co_leader.email])
    alert = NoLeaderAlert.objects.get(session=session)
    assert alert.sent_at is not None

    # The send task queued again, then a marker: once the marker is through, the repeat has run and sent nothing.
    send_no_leader_alert.delay(alert.pk)
    other = session_factory(
        cast.other_group,
        starts_in=timedelta(minutes=-10),
        status=GroupSession.Status.OPEN,
        opened_at=now - timedelta(minutes=10),
    )
    check_for_leaderless_sessions.delay()
    messages = celery_worker_process.wait_for_emails(3)
    assert sorted(message["To"] for message in messages) == sorted(
        [cast.leader.email, cast.co_leader.email, cast.other_leader.email]
    )
    for message in messages:
        body = message.get_payload(decode=True).decode()
        assert "Finding calm" not in body and cast.group.name not in body
    assert NoLeaderAlert.objects.filter(session=other).count() == 1
