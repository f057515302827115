"""Follow-up reminders and escalation delivered by a real Celery worker over Redis, against PostgreSQL, once."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from care.models import FollowUp
from care.tasks import dispatch_follow_up_emails, email_leaders_follow_up_unclaimed

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _follow_up(cast, session_factory, *, hours_ago: float) -> FollowUp:
    session = session_factory(cast.group, starts_in=timedelta(days=-1))
    made = timezone.now() - timedelta(hours=hours_ago)
    return FollowUp.objects.create(
        group=cast.group,
        session=session,
        member=cast.member,
        kind="contact",
        happened_at=made,
        due_at=made,
        created_at=made,
    )


def test_an_unclaimed_follow_up_reminds_the_leaders_once_and_an_overdue_one_tells_the_trustees_once(
    celery_worker_process, cast, session_factory
):
    unclaimed = _follow_up(cast, session_factory, hours_ago=settings.FOLLOW_UP_UNCLAIMED_HOURS + 0.5)
    overdue = _follow_up(cast, session_factory, hours_ago=settings.FOLLOW_UP_OVERDUE_HOURS + 1)
    FollowUp.objects.filter(pk=overdue.pk).update(owner=cast.leader, claimed_at=timezone.now())

    dispatch_follow_up_emails.delay()  # the worker runs the dispatcher, which queues one task per email
    messages = celery_worker_process.wait_for_emails(2)
    by_subject = {message["Subject"]: sorted(message["To"].split(", ")) for message in messages}
    assert by_subject == {
        "A follow-up in Evening group is waiting for a leader": sorted([cast.leader.email, cast.co_leader.email]),
        "A follow-up in Evening group is still open after a day": [cast.trustee.email],
    }
    for message in messages:
        assert "Member Mo" not in message.get_payload(decode=True).decode()

    # Run again, and the reminder task twice more: nothing new is sent.
    dispatch_follow_up_emails.delay()
    email_leaders_follow_up_unclaimed.delay(unclaimed.pk)
    email_leaders_follow_up_unclaimed.delay(unclaimed.pk)
    marker = _follow_up(cast, session_factory, hours_ago=settings.FOLLOW_UP_UNCLAIMED_HOURS + 0.5)
    email_leaders_follow_up_unclaimed.delay(marker.pk)  # the solo worker runs in order: this comes last
    deadline = time.monotonic() + 30
    while not FollowUp.objects.filter(pk=marker.pk, leaders_reminded_at__isnull=False).exists():
        assert time.monotonic() < deadline, celery_worker_process.log()
        time.sleep(0.1)
    time.sleep(0.5)  # the marker's email file is written in the transaction that claims it
    assert len(celery_worker_process.emails()) == 3
    unclaimed.refresh_from_db()
    overdue.refresh_from_db()
    assert unclaimed.leaders_reminded_at and overdue.trustees_told_at
