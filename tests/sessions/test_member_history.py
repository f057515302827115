"""A member's attendance history in a group, for the group's leaders."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sessions import attendance
from tests.sessions.conftest import assert_ladder, page_text


def history_url(cast, user) -> str:
    return reverse("sessions:member_history", args=[cast.group.slug, user.pk])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("other_leader", 404),
        ("trustee", 404),
        ("removed", 403),
        ("member", 403),
        ("leader", 200),
        ("co_leader", 200),
    ],
)
def test_history_permission_ladder(client_as, cast, role, expected):
    assert_ladder(client_as(role).get(history_url(cast, cast.member)), expected)


def test_someone_outside_the_group_has_no_history_page(client_as, cast):
    assert client_as("leader").get(history_url(cast, cast.outsider)).status_code == 404
    assert client_as("leader").get(history_url(cast, cast.other_leader)).status_code == 404


def test_history_lists_only_this_groups_sessions_newest_first(client_as, cast, session_factory, membership_factory):
    older = session_factory(cast.group, topic="Older", starts_in=timedelta(days=-14))
    newer = session_factory(cast.group, topic="Newer", starts_in=timedelta(days=-7))
    elsewhere = session_factory(cast.other_group, topic="Elsewhere", starts_in=timedelta(days=-3))
    membership_factory(cast.other_group, cast.member)
    for session in (older, newer, elsewhere):
        attendance.record_join(session, cast.member)

    response = client_as("leader").get(history_url(cast, cast.member))

    assert [a.session.topic for a in response.context["attendances"]] == ["Newer", "Older"]
    assert "Elsewhere" not in page_text(response)


def test_leaders_can_look_back_at_a_removed_members_history(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(days=-7))
    attendance.record_join(session, cast.removed)
    assert client_as("leader").get(history_url(cast, cast.removed)).status_code == 200


def test_history_with_no_sessions_is_kind(client_as, cast):
    assert "people come when they're ready" in page_text(client_as("leader").get(history_url(cast, cast.member)))
