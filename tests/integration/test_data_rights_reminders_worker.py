"""Data-rights reminders sent by a real Celery worker over Redis, against PostgreSQL (integration run only)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding import datarights_services as rights
from safeguarding.datarights import DataRightsRequest, add_months

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def received_so_that_due_on(cast, due, kind="access") -> DataRightsRequest:
    """A request received a calendar month before `due` (logged today, then dated back)."""
    request = rights.record_request(actor=cast.trustee, kind=kind, received_on=timezone.localdate(), person_name="R")
    DataRightsRequest.objects.filter(pk=request.pk).update(received_on=add_months(due, -1))
    return request


def test_the_dispatcher_sends_the_week_and_the_day_reminders_once_each(celery_worker_process, cast):
    today = timezone.localdate()
    received_so_that_due_on(cast, today + timedelta(days=6))
    day = received_so_that_due_on(cast, today, kind="erasure")

    rights.dispatch_data_rights_reminders.delay()
    messages = celery_worker_process.wait_for_emails(2)
    assert sorted(message["Subject"] for message in messages) == [
        "A data-rights request is due in a week",
        "A data-rights request is due today",
    ]

    # The dispatcher runs again (beat every few hours): nothing new goes out.
    rights.dispatch_data_rights_reminders.delay()
    rights.send_data_rights_reminder.delay(day.pk, "due")
    marker = received_so_that_due_on(cast, today)
    rights.send_data_rights_reminder.delay(marker.pk, "due")  # the solo worker runs tasks in order
    messages = celery_worker_process.wait_for_emails(3)
    assert len(messages) == 3
    # The email is written inside the transaction that claims it: wait for that transaction's commit.
    deadline = time.monotonic() + 10
    while DataRightsRequest.objects.filter(due_reminder_sent_at__isnull=False).count() < 2:
        assert time.monotonic() < deadline, "the marker's claim never committed"
        time.sleep(0.1)
    assert len(celery_worker_process.emails()) == 3
    assert DataRightsRequest.objects.filter(week_reminder_sent_at__isnull=False).count() == 1
