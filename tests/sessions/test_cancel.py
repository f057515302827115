"""Leaders cancel a session; every active member is emailed after commit, once."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent
from sessions import services
from sessions.models import GroupSession
from sessions.tasks import send_cancellation_emails
from tests.sessions.conftest import LEADER_PAGE_LADDER, LINK, assert_ladder


def cancel_url(session) -> str:
    return reverse("sessions:cancel", args=[session.pk])


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_cancel_page_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).get(cancel_url(upcoming)), expected)


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("outsider", 404), ("removed", 403)])
def test_only_leaders_can_cancel(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).post(cancel_url(upcoming), {"message": ""}), expected)
    upcoming.refresh_from_db()
    assert upcoming.status == GroupSession.Status.SCHEDULED


def test_cancelling_emails_every_active_member_after_commit(
    client_as, cast, upcoming, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as("leader").post(cancel_url(upcoming), {"message": "The leader is unwell. Take care."})

    upcoming.refresh_from_db()
    assert response.status_code == 302
    assert len(callbacks) == 1  # the email task is queued only once the cancellation is committed
    assert upcoming.status == GroupSession.Status.CANCELLED
    assert upcoming.cancellation_message == "The leader is unwell. Take care."
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([cast.leader.email, cast.co_leader.email, cast.member.email])
    body = mail.outbox[0].body
    assert "cancelled" in body and upcoming.topic in body
    assert "The leader is unwell. Take care." in body
    assert LINK not in body
    assert cast.group.name not in body + mail.outbox[0].subject


def test_members_who_turned_off_reminders_still_hear_about_a_cancellation(
    cast, upcoming, django_capture_on_commit_callbacks
):
    cast.member.email_reminders = False
    cast.member.save(update_fields=["email_reminders"])
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(upcoming, actor=cast.leader)
    assert cast.member.email in [m.to[0] for m in mail.outbox]


def test_cancellation_emails_go_once_even_if_the_task_runs_twice(cast, upcoming, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(upcoming, actor=cast.leader)
    sent = len(mail.outbox)

    assert send_cancellation_emails(upcoming.pk) == 0
    assert len(mail.outbox) == sent == 3


def test_nothing_is_emailed_if_the_cancellation_is_rolled_back(cast, upcoming, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.cancel_session(upcoming, actor=cast.leader)
        raise RuntimeError("something else failed")

    assert mail.outbox == []
    upcoming.refresh_from_db()
    assert upcoming.status == GroupSession.Status.SCHEDULED


def test_cancellation_is_audited_without_the_message(cast, upcoming, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(upcoming, actor=cast.leader, message="Personal reasons")
    event = AuditEvent.objects.get(action="sessions.session.cancelled")
    assert event.actor_id == cast.leader.pk
    assert "Personal reasons" not in str(event.data)


def test_an_ended_session_cannot_be_cancelled(client_as, upcoming):
    upcoming.status = GroupSession.Status.ENDED
    upcoming.save(update_fields=["status"])

    client_as("leader").post(cancel_url(upcoming), {"message": ""})

    upcoming.refresh_from_db()
    assert upcoming.status == GroupSession.Status.ENDED
    assert mail.outbox == []


def test_the_cancellation_email_does_not_name_the_group_even_in_a_link(
    cast, upcoming, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(upcoming, actor=cast.leader)
    assert cast.group.slug not in mail.outbox[0].body
    assert reverse("sessions:detail", args=[upcoming.pk]) in mail.outbox[0].body
