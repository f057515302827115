"""Leaders open and end a session; ending closes the live room and the register."""

from unittest import mock

import pytest
from django.urls import reverse

from sessions import attendance, services
from sessions.models import Attendance, GroupSession
from tests.sessions.conftest import assert_ladder

POST_LADDER = [
    ("anonymous", "login"),
    ("outsider", 404),
    ("other_leader", 404),
    ("trustee", 404),
    ("removed", 403),
    ("member", 403),
]


@pytest.mark.parametrize(("role", "expected"), [*POST_LADDER, ("leader", 302)])
def test_open_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).post(reverse("sessions:open", args=[upcoming.pk])), expected)
    upcoming.refresh_from_db()
    assert upcoming.is_open == (expected == 302)


@pytest.mark.parametrize(("role", "expected"), [*POST_LADDER, ("co_leader", 302)])
def test_end_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).post(reverse("sessions:end", args=[upcoming.pk])), expected)
    upcoming.refresh_from_db()
    assert upcoming.is_ended == (expected == 302)


def test_opening_is_a_post_only_action(client_as, upcoming):
    assert client_as("leader").get(reverse("sessions:open", args=[upcoming.pk])).status_code == 405


def test_opening_a_cancelled_session_is_refused_kindly(client_as, upcoming):
    upcoming.status = GroupSession.Status.CANCELLED
    upcoming.save(update_fields=["status"])

    response = client_as("leader").post(reverse("sessions:open", args=[upcoming.pk]), follow=True)

    upcoming.refresh_from_db()
    assert upcoming.status == GroupSession.Status.CANCELLED
    assert "Only a scheduled session can be opened." in response.content.decode()


def test_ending_closes_open_attendance_and_the_live_room_after_commit(
    cast, joinable, django_capture_on_commit_callbacks
):
    attendance.record_join(joinable, cast.member)
    with (
        mock.patch("core.live.close_session_sockets", create=True) as close_sockets,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.end_session(joinable, actor=cast.leader)

    close_sockets.assert_called_once_with(joinable.pk)
    assert Attendance.objects.get(session=joinable, user=cast.member).left_at is not None


def test_ending_twice_is_refused(cast, upcoming):
    services.end_session(upcoming, actor=cast.leader)
    with pytest.raises(services.SessionStateError):
        services.end_session(upcoming, actor=cast.leader)
