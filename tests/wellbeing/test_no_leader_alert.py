"""No leader on an open session's dashboard for five minutes: the group's leaders are told, once, without content."""

import logging
from datetime import timedelta

import pytest
from django.db.models import F
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


# --- presence that cannot be read is not absence ------------------------------------------------------------
# Dashboards hold their place through sockets on the channel layer (Redis). While it is down nobody can
# have a live dashboard, so the database says "no leader" whatever the leaders are doing. These tests point
# the channel layer at a Redis port nobody listens on: a real connection refused, not a stand-in.


@pytest.fixture
def redis_down(settings):
    from tests.fixtures.servers import free_port

    def down():
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [f"redis://127.0.0.1:{free_port()}/0"]},
            }
        }

    def back():
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    down.back = back
    return down


def _minutes_pass(minutes: float, *, unwatched: bool = False) -> None:
    """Move the watch's clock back, as if `minutes` had passed since presence could be read again (with beat's
    check running every minute meanwhile), or, `unwatched`, since the check last ran at all."""
    from wellbeing.models import PresenceWatch

    field = "last_read_at" if unwatched else "readable_again_at"
    PresenceWatch.objects.exclude(**{field: None}).update(**{field: F(field) - timedelta(minutes=minutes)})


def test_nothing_is_sent_while_presence_cannot_be_read_and_the_warning_is_logged_once(
    cast, opened, mailoutbox, check, redis_down, caplog
):
    session = opened(30)
    redis_down()
    with caplog.at_level(logging.WARNING, logger="wellbeing"):
        assert check() == 0
        assert check() == 0
    assert not mailoutbox and not NoLeaderAlert.objects.exists()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    for private in (str(session.pk), "Finding calm", cast.group.name, "127.0.0.1"):
        assert private not in message


def test_the_absence_clock_restarts_when_presence_can_be_read_again(cast, opened, mailoutbox, check, redis_down):
    opened(30)  # no leader for half an hour, as far as the database can tell
    redis_down()
    assert check() == 0
    redis_down.back()
    assert check() == 0, "the outage's minutes do not count towards the five"
    _minutes_pass(4)
    assert check() == 0
    _minutes_pass(2)
    assert check() == 1, "five minutes after Redis came back, still nobody: the leaders are told"
    assert len(mailoutbox) == 2


def test_a_leader_back_on_the_dashboard_after_the_outage_means_no_alert(cast, opened, mailoutbox, check, redis_down):
    session = opened(30)
    seat = leader_seat(session, cast.leader, live=True)
    assert check() == 0
    redis_down()
    RoomConnection.objects.filter(participant=seat).update(seen_at=timezone.now() - timedelta(minutes=20))
    assert check() == 0
    redis_down.back()
    assert check() == 0
    _minutes_pass(3)
    RoomConnection.objects.filter(participant=seat).update(seen_at=timezone.now())  # the dashboard reconnected
    _minutes_pass(3)
    assert check() == 0 and not mailoutbox


def test_minutes_the_check_could_not_run_do_not_count_either(cast, opened, mailoutbox, check):
    """The beat and the broker share Redis in production: after an outage the first check finds stale rows."""
    opened(30)
    assert check() == 1  # the absence is noticed as usual
    later = opened(30)
    _minutes_pass(10, unwatched=True)  # the check has not run for ten minutes
    assert check() == 0
    assert not NoLeaderAlert.objects.filter(session=later).exists()
    _minutes_pass(6)
    assert check() == 1
