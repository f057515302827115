"""The leaders' explicit "show or change the link" page and link rotation."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from sessions import services
from sessions.models import GroupSession, JoinToken
from tests.sessions.conftest import LEADER_PAGE_LADDER, LINK, assert_ladder

NEW_LINK = "https://meet.example.org/rotated-room-91b2"


def link_url(session) -> str:
    return reverse("sessions:meeting_link", args=[session.pk])


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_link_page_permission_ladder(client_as, upcoming, role, expected):
    response = client_as(role).get(link_url(upcoming))
    assert_ladder(response, expected)
    assert (LINK in response.content.decode()) == (expected == 200)


def test_link_page_is_never_cached(client_as, upcoming):
    assert "no-store" in client_as("leader").get(link_url(upcoming))["Cache-Control"]


def test_rotating_the_link_replaces_it_and_is_audited_without_either_link(client_as, cast, upcoming):
    response = client_as("leader").post(link_url(upcoming), {"meeting_link": NEW_LINK})

    upcoming.refresh_from_db()
    assert response.status_code == 302
    assert upcoming.meeting_link == NEW_LINK
    event = AuditEvent.objects.get(action="sessions.meeting_link.rotated")
    assert event.actor_id == cast.leader.pk
    assert LINK not in str(event.data) and NEW_LINK not in str(event.data)
    assert "meet.example.org" not in event.subject_label


def test_after_rotation_members_are_sent_to_the_new_link_only(client_as, cast, joinable):
    services.rotate_meeting_link(joinable, actor=cast.leader, new_link=NEW_LINK)
    client = client_as("member")
    page = client.post(reverse("sessions:join", args=[joinable.pk])).content.decode()
    ticket = re.search(r'href="(/sessions/\d+/go/[^"/]+/)"', page).group(1)

    assert client.get(ticket)["Location"] == NEW_LINK


def test_tickets_issued_before_a_rotation_stop_working(client_as, cast, joinable):
    client = client_as("member")
    page = client.post(reverse("sessions:join", args=[joinable.pk])).content.decode()
    ticket = re.search(r'href="(/sessions/\d+/go/[^"/]+/)"', page).group(1)

    services.rotate_meeting_link(joinable, actor=cast.leader, new_link=NEW_LINK)

    assert client.get(ticket).status_code == 403
    assert not JoinToken.objects.exists()


def test_a_member_cannot_change_the_link(client_as, upcoming):
    assert client_as("member").post(link_url(upcoming), {"meeting_link": NEW_LINK}).status_code == 403
    upcoming.refresh_from_db()
    assert upcoming.meeting_link == LINK


def test_the_link_of_an_ended_session_cannot_be_changed(client_as, upcoming):
    upcoming.status = GroupSession.Status.ENDED
    upcoming.save(update_fields=["status"])
    client_as("leader").post(link_url(upcoming), {"meeting_link": NEW_LINK})
    upcoming.refresh_from_db()
    assert upcoming.meeting_link == LINK


def test_a_plain_http_link_is_refused(client_as, upcoming):
    response = client_as("leader").post(link_url(upcoming), {"meeting_link": "http://meet.example.org/x"})
    assert response.status_code == 200
    upcoming.refresh_from_db()
    assert upcoming.meeting_link == LINK
