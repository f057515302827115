"""Members tell the leaders they'll have their camera off, and why; for one session or as a standing choice."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from sessions import camera_off_notices
from sessions.models import CameraOffNotice, GroupSession
from tests.sessions.conftest import MEMBER_PAGE_LADDER, assert_ladder, page_text

REASON = "My flatmate might walk past and I get anxious on camera."


def form_url(session) -> str:
    return reverse("sessions:camera_off", args=[session.pk])


@pytest.mark.parametrize(("role", "expected"), MEMBER_PAGE_LADDER)
def test_camera_off_form_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).get(form_url(upcoming)), expected)


def test_member_gives_a_notice_for_one_session(client_as, cast, upcoming):
    response = client_as("member").post(form_url(upcoming), {"reason": REASON})

    notice = CameraOffNotice.objects.get()
    assert response.status_code == 302
    assert (notice.user, notice.session, notice.standing, notice.reason) == (cast.member, upcoming, False, REASON)


def test_member_gives_a_standing_notice_for_the_group(client_as, cast, upcoming):
    client_as("member").post(form_url(upcoming), {"reason": REASON, "standing": "on"})

    notice = CameraOffNotice.objects.get()
    assert notice.standing and notice.session is None and notice.group == cast.group


def test_a_reason_is_asked_for_kindly(client_as, upcoming):
    response = client_as("member").post(form_url(upcoming), {"reason": ""})
    assert response.status_code == 200
    assert not CameraOffNotice.objects.exists()
    assert 'id="id_reason_error"' in response.content.decode()


def test_a_new_notice_replaces_the_earlier_one(client_as, cast, upcoming):
    client = client_as("member")
    client.post(form_url(upcoming), {"reason": "first"})
    client.post(form_url(upcoming), {"reason": "second"})

    assert [n.reason for n in CameraOffNotice.objects.active()] == ["second"]
    assert CameraOffNotice.objects.count() == 2


def test_the_reason_is_encrypted_in_the_database(client_as, upcoming):
    client_as("member").post(form_url(upcoming), {"reason": REASON})
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM group_sessions_cameraoffnotice")
        (raw,) = cursor.fetchone()
    assert raw and REASON not in raw and "flatmate" not in raw


def test_member_can_withdraw_their_own_notice(client_as, cast, upcoming):
    notice = camera_off_notices.give_camera_off_notice(
        cast.group.memberships.get(user=cast.member), session=upcoming, reason=REASON, standing=False
    )

    response = client_as("member").post(reverse("sessions:camera_off_withdraw", args=[notice.pk]))

    notice.refresh_from_db()
    assert response.status_code == 302
    assert notice.withdrawn_at is not None


@pytest.mark.parametrize("role", ["co_leader", "leader", "outsider"])
def test_nobody_else_can_withdraw_a_members_notice(client_as, cast, upcoming, role):
    notice = camera_off_notices.give_camera_off_notice(
        cast.group.memberships.get(user=cast.member), session=upcoming, reason=REASON, standing=True
    )
    assert client_as(role).post(reverse("sessions:camera_off_withdraw", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


def test_the_session_page_shows_the_members_own_notice_but_never_the_reason(client_as, cast, upcoming):
    camera_off_notices.give_camera_off_notice(
        cast.group.memberships.get(user=cast.member), session=None, reason=REASON, standing=True
    )
    text = page_text(client_as("member").get(reverse("sessions:detail", args=[upcoming.pk])))
    assert "camera off for every session of this group" in text
    assert REASON not in text


def test_no_notice_for_a_session_that_is_over(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(days=-2), status=GroupSession.Status.ENDED)
    response = client_as("member").post(form_url(session), {"reason": REASON})
    assert response.status_code == 302
    assert not CameraOffNotice.objects.exists()
