"""Session reminders delivered by a real Celery worker over Redis, against PostgreSQL (integration run only)."""

from datetime import timedelta

import pytest

from sessions.models import SessionEmailSent
from sessions.tasks import dispatch_due_reminders, send_session_reminders
from tests.sessions.conftest import LINK

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def recipients(messages) -> list[str]:
    return sorted(message["To"] for message in messages)


def test_the_dispatcher_and_the_reminder_run_on_a_real_worker(celery_worker_process, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(minutes=50), topic="Finding calm")

    dispatch_due_reminders.delay()  # the worker runs the dispatcher, which queues the reminder task

    messages = celery_worker_process.wait_for_emails(3)
    assert recipients(messages) == sorted([cast.leader.email, cast.co_leader.email, cast.member.email])
    for message in messages:
        body = message.get_payload(decode=True).decode()
        assert "Finding calm" in body
        assert LINK not in body and "meet.example.org" not in body
    assert SessionEmailSent.objects.filter(session=session, kind="reminder_1h").count() == 3


def test_a_reminder_task_queued_twice_sends_one_email_per_person(celery_worker_process, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(hours=20))
    marker = session_factory(cast.other_group, starts_in=timedelta(hours=20))

    send_session_reminders.delay(session.pk, "reminder_24h")
    send_session_reminders.delay(session.pk, "reminder_24h")
    # The solo worker takes tasks in order: once the marker's email is out, both copies have run.
    send_session_reminders.delay(marker.pk, "reminder_24h")

    messages = celery_worker_process.wait_for_emails(4)
    assert recipients(messages) == sorted(
        [cast.leader.email, cast.co_leader.email, cast.member.email, cast.other_leader.email]
    )
    assert SessionEmailSent.objects.filter(session=session).count() == 3
