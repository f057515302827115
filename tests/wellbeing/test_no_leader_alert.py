"""No leader on an open session's dashboard for five minutes: the group's leaders are told, once, without content."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import GroupSession, RoomConnection, RoomParticipant
from wellbeing import tasks
from wellbeing.models import NoLeaderAlert
from wellbeing.tasks import send_no_leader_alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(cast, session_factory):
    def make(minutes_ago: float, **extra) -> GroupSession:
        now = timezone.now()
        return session_factory(
            cast.group,
            starts_in=timedelta(minutes=-minutes_ago),
            status=GroupSession.Status.OPEN,
            opened_at=now - timedelta(minutes=minutes_ago),
            topic="Finding calm",
            **extra,
        )

    return make


@pytest.fixture
def check(django_capture_on_commit_callbacks):
    """Run the beat task as a worker would, with the email task it queues after commit."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.check_for_leaderless_sessions()

    return run


def leader_seat(session, user, *, left_minutes_ago=None, live=False):
    participant = RoomParticipant.objects.create(
        session=session,
        user=user,
        is_leader=True,
        left_at=timezone.now() - timedelta(minutes=left_minutes_ago) if left_minutes_ago is not None else None,
    )
    if live:
        RoomConnection.objects.create(participant=participant, channel_name=f"test.{user.pk}")
    return participant


def test_leaders_are_told_once_when_nobody_has_had_the_dashboard_open_for_five_minutes(cast, opened, mailoutbox, check):
    session = opened(6)
    assert check() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.leader.email, cast.co_leader.email])
    body = mailoutbox[0].body
    assert f"/sessions/{session.pk}/dashboard/" in body
    for private in ("Finding calm", cast.group.name, "Member Mo"):  # content-free
        assert private not in body and private not in mailoutbox[0].subject
    assert check() == 0  # the same absence: nothing more
    send_no_leader_alert(NoLeaderAlert.objects.get().pk)  # the task run twice
    assert len(mailoutbox) == 2


def test_not_before_five_minutes(opened, mailoutbox, check):
    opened(4)
    assert check() == 0 and not mailoutbox


def test_not_while_a_leader_has_the_dashboard_open(cast, opened, mailoutbox, check):
    session = opened(30)
    leader_seat(session, cast.co_leader, live=True)
    assert check() == 0 and not mailoutbox


def test_a_dropped_lead_leader_is_noticed_five_minutes_after_leaving(cast, opened, mailoutbox, check):
    session = opened(30)
    seat = leader_seat(session, cast.leader, left_minutes_ago=3)
    assert check() == 0
    seat.left_at = timezone.now() - timedelta(minutes=6)
    seat.save(update_fields=["left_at"])
    assert check() == 1
    # They come back and drop again later: a new absence, a new alert.
    seat.left_at = timezone.now() - timedelta(minutes=5, seconds=30)
    seat.save(update_fields=["left_at"])
    assert check() == 1
    assert NoLeaderAlert.objects.filter(session=session).count() == 2


def test_a_crashed_dashboards_stale_connection_stops_counting(cast, opened, mailoutbox, check):
    session = opened(30)
    seat = leader_seat(session, cast.leader, live=True)
    RoomConnection.objects.filter(participant=seat).update(seen_at=timezone.now() - timedelta(minutes=7))
    assert check() == 1


def test_ended_or_scheduled_sessions_are_left_alone(cast, opened, session_factory, mailoutbox, check):
    session_factory(cast.group, starts_in=timedelta(minutes=-30))  # scheduled, never opened
    session = opened(30)
    check()
    alert = NoLeaderAlert.objects.get()
    NoLeaderAlert.objects.filter(pk=alert.pk).update(sent_at=None)
    session.status = GroupSession.Status.ENDED
    session.save(update_fields=["status"])
    mailoutbox.clear()
    assert send_no_leader_alert(alert.pk) == 0 and not mailoutbox
