"""Session services: attendance, the join rules, tickets and camera-off notices."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from groups.models import Membership
from sessions import attendance, camera_off_notices, services
from sessions.models import Attendance, CameraOffNotice, GroupSession, JoinToken


def membership(cast, user) -> Membership:
    return Membership.objects.select_related("group", "user").get(group=cast.group, user=user)


def test_record_join_creates_one_row_and_a_rejoin_updates_it(cast, joinable):
    first = attendance.record_join(joinable, cast.member)
    attendance.record_leave(joinable, cast.member)
    again = attendance.record_join(joinable, cast.member)

    assert first.pk == again.pk
    assert again.joined_at == first.joined_at
    assert again.last_joined_at >= first.joined_at
    assert again.left_at is None
    assert again.times_joined == 2
    assert Attendance.objects.count() == 1


def test_record_leave_without_a_join_does_nothing(cast, joinable):
    attendance.record_leave(joinable, cast.member)
    assert not Attendance.objects.exists()


def test_record_leave_keeps_the_first_leave_time(cast, joinable):
    attendance.record_join(joinable, cast.member)
    attendance.record_leave(joinable, cast.member)
    left = Attendance.objects.get().left_at
    attendance.record_leave(joinable, cast.member)
    assert Attendance.objects.get().left_at == left


def test_attendance_is_unique_per_person_and_session(cast, joinable):
    Attendance.objects.create(session=joinable, user=cast.member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=joinable, user=cast.member)


def test_nothing_limits_how_long_someone_stays(cast, session_factory):
    # A member who has come for years can still join: attendance has no cap of any kind.
    for weeks in range(1, 60):
        session = session_factory(cast.group, starts_in=timedelta(weeks=-weeks))
        attendance.record_join(session, cast.member)
    joinable = session_factory(cast.group, starts_in=timedelta(minutes=1))
    assert attendance.join_refusal(joinable, membership(cast, cast.member)) is None


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Membership.Status.SUSPENDED, "paused"),
        (Membership.Status.REMOVED, "not part of this group"),
        (Membership.Status.PENDING, "once a leader has welcomed you"),
    ],
)
def test_join_refusal_names_the_membership_problem(cast, joinable, status, words):
    m = membership(cast, cast.member)
    m.status = status
    assert words in attendance.join_refusal(joinable, m)


def test_a_ticket_can_be_claimed_once_only(cast, joinable):
    _, raw = JoinToken.issue(session=joinable, user=cast.member)
    assert JoinToken.claim(raw, session=joinable, user=cast.member) is True
    assert JoinToken.claim(raw, session=joinable, user=cast.member) is False


def test_a_ticket_belongs_to_one_session(cast, joinable, session_factory):
    other = session_factory(cast.group, starts_in=timedelta(minutes=2))
    _, raw = JoinToken.issue(session=joinable, user=cast.member)
    assert JoinToken.claim(raw, session=other, user=cast.member) is False


def test_a_ticket_lasts_about_a_minute(cast, joinable):
    token, _ = JoinToken.issue(session=joinable, user=cast.member)
    assert timedelta(seconds=30) <= token.expires_at - timezone.now() <= timedelta(seconds=61)


def test_ending_a_session_voids_unused_tickets(cast, joinable):
    _, raw = JoinToken.issue(session=joinable, user=cast.member)
    services.end_session(joinable, actor=cast.leader)
    assert JoinToken.claim(raw, session=joinable, user=cast.member) is False


def test_redeeming_a_ticket_after_the_session_is_cancelled_is_refused(cast, joinable):
    raw = attendance.issue_join_token(joinable, membership(cast, cast.member))
    GroupSession.objects.filter(pk=joinable.pk).update(status=GroupSession.Status.CANCELLED)
    joinable.refresh_from_db()
    with pytest.raises(services.SessionStateError):
        attendance.redeem_join_token(joinable, membership(cast, cast.member), raw)
    assert not Attendance.objects.exists()


def test_a_standing_notice_replaces_the_previous_standing_notice_only(cast, upcoming):
    m = membership(cast, cast.member)
    for_session = camera_off_notices.give_camera_off_notice(m, session=upcoming, reason="tonight", standing=False)
    camera_off_notices.give_camera_off_notice(m, session=None, reason="first", standing=True)
    camera_off_notices.give_camera_off_notice(m, session=None, reason="second", standing=True)

    live = CameraOffNotice.objects.active()
    assert sorted(n.reason for n in live) == ["second", "tonight"]
    assert for_session in live


def test_a_notice_must_be_standing_or_for_a_session(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        camera_off_notices.give_camera_off_notice(
            membership(cast, cast.member), session=None, reason="x", standing=False
        )


def test_the_database_refuses_a_notice_that_is_both_standing_and_for_a_session(cast, upcoming):
    with pytest.raises(IntegrityError), transaction.atomic():
        CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=upcoming, standing=True, reason="x")


def test_the_database_refuses_two_live_notices_for_one_session(cast, upcoming):
    CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=upcoming, reason="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=upcoming, reason="b")


def test_the_database_refuses_a_session_that_ends_before_it_starts(cast):
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupSession.objects.create(group=cast.group, topic="x", starts_at=start, ends_at=start)


def test_create_session_refuses_an_end_before_the_start(cast):
    from django.core.exceptions import ValidationError

    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError):
        services.create_session(cast.group, actor=cast.leader, topic="x", starts_at=start, ends_at=start)
