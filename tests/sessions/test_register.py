"""The leaders' register of a session: who joined, when, and when they left."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import attendance
from sessions.models import Attendance
from tests.sessions.conftest import LEADER_PAGE_LADDER, assert_ladder, page_text


def register_url(session) -> str:
    return reverse("sessions:register", args=[session.pk])


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_register_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).get(register_url(upcoming)), expected)


def test_register_lists_who_joined_and_left(client_as, cast, joinable):
    attendance.record_join(joinable, cast.member)
    attendance.record_leave(joinable, cast.member)
    attendance.record_join(joinable, cast.co_leader)

    response = client_as("leader").get(register_url(joinable))

    text = page_text(response)
    assert "Member Mo" in text and "Co Leader" in text
    assert "Still in" in text
    assert "2 people joined" in text
    assert [a.user for a in response.context["attendances"]] == [cast.member, cast.co_leader]


def test_register_links_to_each_members_history(client_as, cast, joinable):
    attendance.record_join(joinable, cast.member)
    html = client_as("leader").get(register_url(joinable)).content.decode()
    assert reverse("sessions:member_history", args=[cast.group.slug, cast.member.pk]) in html


@pytest.mark.parametrize("n", [1, 25])
def test_register_query_count_is_flat(
    client_as, cast, joinable, user_factory, membership_factory, n, django_assert_num_queries
):
    start = timezone.now()
    for i in range(n):
        user = membership_factory(cast.group, user_factory()).user
        Attendance.objects.create(session=joinable, user=user, joined_at=start + timedelta(seconds=i))
    client = client_as("leader")
    # 1 session row, 2 user, 3 "leads any group?", 4 has a TOTP authenticator (MFA middleware),
    # 5 session with group, 6 the leader's membership, 7 attendance with users
    with django_assert_num_queries(7):
        response = client.get(register_url(joinable))
    assert len(response.context["attendances"]) == n
