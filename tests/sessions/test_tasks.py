"""Reminder and cancellation emails: who gets them, what they say, and that each goes only once."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from core import britishtime
from sessions import services
from sessions.models import GroupSession, JoinToken, SessionEmailSent
from sessions.tasks import dispatch_due_reminders, purge_join_tokens, send_session_reminders
from tests.sessions.conftest import LINK

DAY = SessionEmailSent.Kind.REMINDER_24H
HOUR = SessionEmailSent.Kind.REMINDER_1H


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminder_goes_to_active_members_who_asked_for_reminders(cast, upcoming, membership_factory, user_factory):
    cast.co_leader.email_reminders = False
    cast.co_leader.save(update_fields=["email_reminders"])

    assert send_session_reminders(upcoming.pk, DAY) == 2

    # Not the co-leader (opted out), nor the pending, suspended or removed people, nor other groups.
    assert recipients() == sorted([cast.leader.email, cast.member.email])


def test_reminder_holds_topic_and_time_but_never_the_link(cast, upcoming):
    send_session_reminders(upcoming.pk, DAY)

    message = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert upcoming.topic in message.subject and upcoming.topic in message.body
    assert britishtime.day_and_time(upcoming.starts_at) in message.body  # "Tuesday 2 December, 7 pm"
    assert LINK not in message.body and "meet.example.org" not in message.body
    assert cast.group.name not in message.body + message.subject


def test_reminder_time_is_in_each_members_own_time_zone(cast, upcoming):
    cast.member.time_zone = "Asia/Tokyo"
    cast.member.save(update_fields=["time_zone"])

    send_session_reminders(upcoming.pk, HOUR)

    message = next(m for m in mail.outbox if m.to == [cast.member.email])
    tokyo = timezone.localtime(upcoming.starts_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert "Asia/Tokyo" in message.body
    with timezone.override(tokyo.tzinfo):
        assert britishtime.day_and_time(tokyo) in message.body


def test_running_the_reminder_task_twice_sends_each_email_once(cast, upcoming):
    first = send_session_reminders(upcoming.pk, DAY)
    second = send_session_reminders(upcoming.pk, DAY)

    assert (first, second) == (3, 0)
    assert len(mail.outbox) == 3
    assert SessionEmailSent.objects.filter(session=upcoming, kind=DAY).count() == 3


def test_the_day_and_hour_reminders_are_separate(cast, upcoming):
    send_session_reminders(upcoming.pk, DAY)
    send_session_reminders(upcoming.pk, HOUR)
    assert len(mail.outbox) == 6


def test_no_reminder_for_a_cancelled_or_started_session(cast, session_factory):
    cancelled = session_factory(cast.group, status=GroupSession.Status.CANCELLED)
    started = session_factory(cast.group, starts_in=timedelta(minutes=-5))

    assert send_session_reminders(cancelled.pk, DAY) == 0
    assert send_session_reminders(started.pk, HOUR) == 0
    assert send_session_reminders(999_999, HOUR) == 0
    assert mail.outbox == []


def test_a_failed_send_gives_the_claim_back_so_a_retry_sends_it(cast, upcoming):
    down = smtplib.SMTPServerDisconnected("down")
    with mock.patch("sessions.tasks.EmailMessage.send", side_effect=down), pytest.raises(type(down)):
        send_session_reminders.run(upcoming.pk, DAY)
    assert not SessionEmailSent.objects.exists()

    assert send_session_reminders(upcoming.pk, DAY) == 3


def test_reminder_task_arguments_are_ids_and_kinds_only(cast, session_factory):
    session_factory(cast.group, starts_in=timedelta(hours=23))
    with mock.patch("sessions.tasks.send_session_reminders.delay_on_commit") as delay:
        dispatch_due_reminders()
    ((args, kwargs),) = delay.call_args_list
    assert kwargs == {}
    assert isinstance(args[0], int) and args[1] == "reminder_24h"


# --- the dispatcher ---------------------------------------------------------------------------


def queued_kinds(delay) -> list[tuple[int, str]]:
    return sorted((call.args[0], call.args[1]) for call in delay.call_args_list)


def test_dispatcher_queues_the_day_reminder_for_sessions_within_24_hours(cast, session_factory):
    tomorrow = session_factory(cast.group, starts_in=timedelta(hours=23, minutes=58))
    session_factory(cast.group, starts_in=timedelta(hours=25))  # not yet

    with mock.patch("sessions.tasks.send_session_reminders.delay_on_commit") as delay:
        assert dispatch_due_reminders() == 1

    assert queued_kinds(delay) == [(tomorrow.pk, "reminder_24h")]


def test_dispatcher_queues_the_hour_reminder_and_skips_a_late_day_reminder(cast, session_factory):
    soon = session_factory(cast.group, starts_in=timedelta(minutes=55))
    in_ninety = session_factory(cast.group, starts_in=timedelta(minutes=90))  # too late for "tomorrow", too early

    with mock.patch("sessions.tasks.send_session_reminders.delay_on_commit") as delay:
        dispatch_due_reminders()

    assert queued_kinds(delay) == [(soon.pk, "reminder_1h")]
    assert in_ninety.pk not in [call.args[0] for call in delay.call_args_list]


def test_dispatcher_queues_each_reminder_once(cast, session_factory):
    session_factory(cast.group, starts_in=timedelta(hours=23))
    with mock.patch("sessions.tasks.send_session_reminders.delay_on_commit") as delay:
        dispatch_due_reminders()
        dispatch_due_reminders()
    assert delay.call_count == 1


def test_dispatcher_skips_cancelled_and_ended_sessions(cast, session_factory):
    session_factory(cast.group, starts_in=timedelta(minutes=30), status=GroupSession.Status.CANCELLED)
    session_factory(cast.group, starts_in=timedelta(minutes=30), status=GroupSession.Status.ENDED)
    with mock.patch("sessions.tasks.send_session_reminders.delay_on_commit") as delay:
        assert dispatch_due_reminders() == 0
    delay.assert_not_called()


def test_dispatch_end_to_end_sends_the_reminders(cast, session_factory, django_capture_on_commit_callbacks):
    session_factory(cast.group, starts_in=timedelta(minutes=45))
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_reminders()
    assert len(mail.outbox) == 3


def test_moving_a_session_lets_its_reminders_go_again(cast, upcoming, django_capture_on_commit_callbacks):
    upcoming.starts_at = timezone.now() + timedelta(hours=20)
    upcoming.ends_at = upcoming.starts_at + timedelta(hours=1)
    upcoming.save(update_fields=["starts_at", "ends_at"])
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_reminders()
    assert len(mail.outbox) == 3

    new_start = upcoming.starts_at + timedelta(hours=2)
    services.update_session(
        upcoming, actor=cast.leader, topic=upcoming.topic, starts_at=new_start, ends_at=new_start + timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_reminders()
    assert len(mail.outbox) == 6


def test_old_join_tickets_are_purged(cast, joinable):
    JoinToken.issue(session=joinable, user=cast.member)
    old, _ = JoinToken.issue(session=joinable, user=cast.member)
    JoinToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=2))

    assert purge_join_tokens() == 1
    assert JoinToken.objects.count() == 1
