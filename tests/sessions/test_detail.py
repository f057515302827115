"""A session's page: topic, time, speaker, the join button in the window, camera-off and the leaders' panel."""

from datetime import timedelta

import pytest
from django.urls import reverse

from groups.models import GuidelinesVersion
from sessions.models import GroupSession
from tests.sessions.conftest import MEMBER_PAGE_LADDER, assert_ladder, page_text


def detail_url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


@pytest.mark.parametrize(("role", "expected"), MEMBER_PAGE_LADDER)
def test_session_page_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).get(detail_url(upcoming)), expected)


def test_session_in_an_archived_group_is_not_found(client_as, cast, upcoming):
    cast.group.is_archived = True
    cast.group.save(update_fields=["is_archived"])
    assert client_as("member").get(detail_url(upcoming)).status_code == 404


def test_member_who_has_not_agreed_is_asked_to_agree_first(client_as, cast, upcoming):
    GuidelinesVersion.objects.create(group=cast.group, number=2)
    response = client_as("member").get(detail_url(upcoming))
    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:agree", args=[cast.group.slug]))


def test_page_shows_topic_time_and_guest_speaker(client_as, cast, session_factory):
    session = session_factory(cast.group, topic="Sleep", guest_speaker="Dr Ada", guest_speaker_about="A sleep nurse")
    text = page_text(client_as("member").get(detail_url(session)))
    assert "Sleep" in text and "Dr Ada" in text and "A sleep nurse" in text


def test_join_button_appears_only_inside_the_window(client_as, upcoming, joinable):
    client = client_as("member")
    join = reverse("sessions:join", args=[joinable.pk])
    assert join in page_text(client.get(detail_url(joinable)))
    later = page_text(client.get(detail_url(upcoming)))
    assert reverse("sessions:join", args=[upcoming.pk]) not in later
    assert "a little early" in later


def test_time_is_shown_in_the_members_time_zone(client_as, cast, session_factory):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    session = session_factory(cast.group)
    session.starts_at = datetime(2031, 1, 6, 19, 0, tzinfo=ZoneInfo("Europe/London"))
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save(update_fields=["starts_at", "ends_at"])
    cast.member.time_zone = "America/New_York"
    cast.member.save(update_fields=["time_zone"])

    assert "2 pm" in page_text(client_as("member").get(detail_url(session)))


def test_members_do_not_see_the_leaders_panel(client_as, upcoming):
    text = page_text(client_as("member").get(detail_url(upcoming)))
    assert "For leaders" not in text
    assert reverse("sessions:register", args=[upcoming.pk]) not in text


def test_leaders_see_that_a_link_is_set_and_when_without_the_link(client_as, cast, upcoming):
    from sessions import services

    services.rotate_meeting_link(upcoming, actor=cast.leader, new_link="https://meet.example.org/new-room")
    text = page_text(client_as("leader").get(detail_url(upcoming)))
    assert "Link set (changed" in text
    assert "new-room" not in text


def test_leaders_are_told_when_there_is_no_link_yet(client_as, cast, session_factory):
    session = session_factory(cast.group, meeting_link="")
    assert "No link yet" in page_text(client_as("leader").get(detail_url(session)))


def test_a_cancelled_session_shows_the_leaders_note(client_as, cast, session_factory):
    session = session_factory(
        cast.group, status=GroupSession.Status.CANCELLED, cancellation_message="Back next week, take care."
    )
    text = page_text(client_as("member").get(detail_url(session)))
    assert "Cancelled" in text and "Back next week, take care." in text


def test_an_open_session_links_to_the_room_and_leaders_to_the_dashboard(client_as, joinable):
    joinable.status = GroupSession.Status.OPEN
    joinable.save(update_fields=["status"])
    member_page = client_as("member").get(detail_url(joinable)).content.decode()
    leader_page = client_as("leader").get(detail_url(joinable)).content.decode()

    assert reverse("sessions:room", args=[joinable.pk]) in member_page
    assert reverse("sessions:dashboard", args=[joinable.pk]) not in member_page
    assert reverse("sessions:dashboard", args=[joinable.pk]) in leader_page


def test_a_scheduled_session_does_not_link_to_the_room_yet(client_as, joinable):
    assert (
        reverse("sessions:room", args=[joinable.pk])
        not in client_as("member").get(detail_url(joinable)).content.decode()
    )
