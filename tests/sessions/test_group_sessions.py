"""The group's session list: members see what's coming up; leaders also see recent sessions and attendance."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sessions.models import Attendance, GroupSession
from tests.sessions.conftest import MEMBER_PAGE_LADDER, assert_ladder, page_text


def list_url(cast) -> str:
    return reverse("sessions:group", args=[cast.group.slug])


@pytest.mark.parametrize(("role", "expected"), MEMBER_PAGE_LADDER)
def test_session_list_permission_ladder(client_as, cast, upcoming, role, expected):
    assert_ladder(client_as(role).get(list_url(cast)), expected)


def test_members_see_upcoming_sessions_with_cancelled_ones_marked(client_as, cast, session_factory):
    session_factory(cast.group, topic="Sleep and rest")
    session_factory(cast.group, topic="Boundaries", status=GroupSession.Status.CANCELLED)
    session_factory(cast.group, topic="Last month", starts_in=timedelta(days=-30))

    text = page_text(client_as("member").get(list_url(cast)))

    assert "Sleep and rest" in text
    assert "Boundaries" in text and "Cancelled" in text
    assert "Last month" not in text
    assert "Schedule a session" not in text


def test_another_groups_sessions_are_not_listed(client_as, cast, session_factory):
    session_factory(cast.other_group, topic="Morning walk and talk")
    assert "Morning walk and talk" not in page_text(client_as("member").get(list_url(cast)))


def test_leaders_see_recent_sessions_with_how_many_came(client_as, cast, session_factory):
    past = session_factory(cast.group, topic="Last week", starts_in=timedelta(days=-7))
    Attendance.objects.create(session=past, user=cast.member)
    Attendance.objects.create(session=past, user=cast.co_leader)

    response = client_as("leader").get(list_url(cast))

    assert "Schedule a session" in page_text(response)
    assert [(s.topic, s.attended) for s in response.context["past"]] == [("Last week", 2)]


def add_sessions(cast, session_factory, n: int) -> None:
    for i in range(n):
        session_factory(cast.group, starts_in=timedelta(days=i + 1))
        past = session_factory(cast.group, starts_in=timedelta(days=-i - 1))
        Attendance.objects.create(session=past, user=cast.member)


@pytest.mark.parametrize("n", [1, 15])
def test_member_list_query_count_is_flat(client_as, cast, session_factory, django_assert_num_queries, n):
    add_sessions(cast, session_factory, n)
    client = client_as("member")
    # 1 session row, 2 user, 3 "leads any group?" for the navigation, 4 membership with group, 5 upcoming sessions,
    # 6 cancelled sessions that were still to come
    with django_assert_num_queries(6):
        response = client.get(list_url(cast))
    assert len(response.context["upcoming"]) == n


@pytest.mark.parametrize("n", [1, 15])
def test_leader_list_query_count_is_flat(client_as, cast, session_factory, django_assert_num_queries, n):
    add_sessions(cast, session_factory, n)
    client = client_as("leader")
    # 1 session row, 2 user, 3 "leads any group?", 4 has a TOTP authenticator (MFA middleware),
    # 5 membership with group, 6 upcoming sessions, 7 cancelled ones still to come, 8 recent sessions with counts
    with django_assert_num_queries(8):
        response = client.get(list_url(cast))
    assert len(response.context["past"]) == n
