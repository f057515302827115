"""Leaders schedule one session and change its details."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from sessions.models import GroupSession
from tests.sessions.conftest import LEADER_PAGE_LADDER, LINK, assert_ladder, page_text


def create_url(cast) -> str:
    return reverse("sessions:create", args=[cast.group.slug])


def form_data(**overrides) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {
        "topic": "Sleep and rest",
        "guest_speaker": "",
        "guest_speaker_about": "",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
        "chat_enabled": "on",
        "meeting_link": "https://meet.example.org/sleep-room",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_schedule_page_permission_ladder(client_as, cast, role, expected):
    assert_ladder(client_as(role).get(create_url(cast)), expected)


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("other_leader", 404), ("anonymous", "login")])
def test_only_leaders_can_post_a_new_session(client_as, cast, role, expected):
    assert_ladder(client_as(role).post(create_url(cast), form_data()), expected)
    assert not GroupSession.objects.exists()


def test_leader_schedules_a_session_with_an_encrypted_link(client_as, cast):
    response = client_as("leader").post(create_url(cast), form_data())

    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sessions:detail", args=[session.pk])
    assert session.topic == "Sleep and rest"
    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert session.meeting_link == "https://meet.example.org/sleep-room"
    assert session.meeting_link_changed_at is not None
    assert session.created_by == cast.leader
    event = AuditEvent.objects.get(action="sessions.session.created")
    assert "sleep-room" not in str(event.data)


def test_the_time_is_read_in_the_leaders_time_zone(client_as, cast):
    cast.leader.time_zone = "America/New_York"
    cast.leader.save(update_fields=["time_zone"])

    client_as("leader").post(create_url(cast), form_data(starts_at="2031-01-06T19:00"))

    assert GroupSession.objects.get().starts_at.isoformat() == "2031-01-07T00:00:00+00:00"


def test_a_link_that_is_not_https_is_refused(client_as, cast):
    response = client_as("leader").post(create_url(cast), form_data(meeting_link="http://meet.example.org/room"))

    assert response.status_code == 200
    assert "secure meeting link" in page_text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not GroupSession.objects.exists()


def test_a_time_in_the_past_is_refused(client_as, cast):
    response = client_as("leader").post(create_url(cast), form_data(starts_at="2020-01-01T19:00"))
    assert "time in the future" in page_text(response)
    assert not GroupSession.objects.exists()


def test_the_link_is_optional_when_scheduling(client_as, cast):
    client_as("leader").post(create_url(cast), form_data(meeting_link=""))
    assert GroupSession.objects.get().meeting_link == ""


def test_errors_are_tied_to_their_fields(client_as, cast):
    response = client_as("leader").post(create_url(cast), form_data(topic=""))
    html = response.content.decode()
    assert 'id="id_topic_error"' in html
    assert 'aria-describedby="id_topic_helptext id_topic_error"' in html


# --- editing ----------------------------------------------------------------------------------


def edit_url(session) -> str:
    return reverse("sessions:edit", args=[session.pk])


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_edit_page_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).get(edit_url(upcoming)), expected)


def test_the_edit_form_never_shows_the_link(client_as, upcoming):
    response = client_as("leader").get(edit_url(upcoming))
    assert LINK not in response.content.decode()
    assert "meeting_link" not in response.content.decode()


def test_leader_changes_the_topic_and_the_link_stays(client_as, cast, upcoming):
    start = timezone.localtime(upcoming.starts_at).replace(second=0, microsecond=0)
    GroupSession.objects.filter(pk=upcoming.pk).update(starts_at=start, ends_at=start + timedelta(minutes=90))
    data = form_data(topic="Hope", starts_at=start.strftime("%Y-%m-%dT%H:%M"))
    data.pop("meeting_link")

    response = client_as("leader").post(edit_url(upcoming), data)

    upcoming.refresh_from_db()
    assert response.status_code == 302
    assert upcoming.topic == "Hope"
    assert upcoming.meeting_link == LINK
    assert AuditEvent.objects.get(action="sessions.session.updated").data["changed"] == ["topic"]


def test_a_cancelled_session_cannot_be_edited(client_as, upcoming):
    upcoming.status = GroupSession.Status.CANCELLED
    upcoming.save(update_fields=["status"])

    response = client_as("leader").post(edit_url(upcoming), form_data(topic="Changed"))

    upcoming.refresh_from_db()
    assert response.status_code == 302
    assert upcoming.topic != "Changed"
