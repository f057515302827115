"""The trustees' admin for sessions: lists and change pages never show the link or camera-off reasons."""

import pytest
from django.urls import reverse

from groups.models import Membership
from sessions import attendance, camera_off_notices
from tests.sessions.conftest import LINK

REASON = "I'd rather not be seen while I'm unwell"


@pytest.fixture
def notice(cast, upcoming):
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    return camera_off_notices.give_camera_off_notice(membership, session=upcoming, reason=REASON, standing=False)


@pytest.fixture
def attended(cast, upcoming):
    return attendance.record_join(upcoming, cast.member)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:group_sessions_groupsession_changelist",
        "admin:group_sessions_attendance_changelist",
        "admin:group_sessions_cameraoffnotice_changelist",
    ],
)
def test_trustee_lists_hold_no_protected_text(client_as, upcoming, notice, attended, url_name):
    response = client_as("trustee").get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert LINK not in html
    assert REASON not in html and "unwell" not in html


def test_session_change_page_holds_no_link(client_as, upcoming, attended):
    response = client_as("trustee").get(reverse("admin:group_sessions_groupsession_change", args=[upcoming.pk]))
    assert response.status_code == 200
    assert LINK not in response.content.decode()
    assert 'name="meeting_link"' not in response.content.decode()


def test_notice_change_page_holds_no_reason(client_as, notice):
    response = client_as("trustee").get(reverse("admin:group_sessions_cameraoffnotice_change", args=[notice.pk]))
    assert response.status_code == 200
    assert "unwell" not in response.content.decode()


def test_searching_sessions_never_looks_at_the_link(client_as, upcoming):
    response = client_as("trustee").get(
        reverse("admin:group_sessions_groupsession_changelist"), {"q": "secret-room-7f3a"}
    )
    assert response.context["cl"].result_count == 0


def test_a_trustee_saving_a_session_keeps_its_link(client_as, upcoming):
    from django.utils import timezone

    url = reverse("admin:group_sessions_groupsession_change", args=[upcoming.pk])
    local = timezone.localtime
    response = client_as("trustee").post(
        url,
        {
            "topic": "Corrected topic",
            "guest_speaker": "",
            "guest_speaker_about": "",
            "starts_at_0": local(upcoming.starts_at).strftime("%d/%m/%Y"),
            "starts_at_1": local(upcoming.starts_at).strftime("%H:%M:%S"),
            "ends_at_0": local(upcoming.ends_at).strftime("%d/%m/%Y"),
            "ends_at_1": local(upcoming.ends_at).strftime("%H:%M:%S"),
            "chat_enabled": "on",
            "cancellation_message": "",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upcoming.refresh_from_db()
    assert upcoming.topic == "Corrected topic"
    assert upcoming.meeting_link == LINK


def test_the_session_list_links_to_the_figures(client_as, upcoming):
    html = client_as("trustee").get(reverse("admin:group_sessions_groupsession_changelist")).content.decode()
    assert reverse("safeguarding:funder_figures") in html
    assert reverse("sessions:figures") not in html  # one figures page, linked once


def test_a_leader_cannot_open_the_admin(client_as):
    response = client_as("leader").get(reverse("admin:group_sessions_groupsession_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
