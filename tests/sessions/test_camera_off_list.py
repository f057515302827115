"""Leaders see each session's camera-off notices before it starts (and the room dashboard uses the same query)."""

import pytest
from django.urls import reverse

from groups.models import Membership
from sessions import camera_off_notices
from tests.sessions.conftest import LEADER_PAGE_LADDER, assert_ladder, page_text


def list_url(session) -> str:
    return reverse("sessions:camera_off_list", args=[session.pk])


def give(cast, user, session, reason, *, standing=False):
    membership = Membership.objects.get(group=cast.group, user=user)
    return camera_off_notices.give_camera_off_notice(membership, session=session, reason=reason, standing=standing)


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_camera_off_list_permission_ladder(client_as, upcoming, role, expected):
    assert_ladder(client_as(role).get(list_url(upcoming)), expected)


def test_leaders_see_session_and_standing_notices_with_reasons(client_as, cast, upcoming):
    give(cast, cast.member, upcoming, "Feeling low, camera makes it harder")
    give(cast, cast.co_leader, None, "Poor connection at home", standing=True)

    text = page_text(client_as("leader").get(list_url(upcoming)))

    assert "Member Mo" in text and "Feeling low, camera makes it harder" in text
    assert "Co Leader" in text and "Poor connection at home" in text
    assert "For every session of the group" in text


def test_notices_for_other_sessions_withdrawn_ones_and_former_members_are_left_out(cast, upcoming, session_factory):
    other_session = session_factory(cast.group)
    give(cast, cast.member, other_session, "other session")
    withdrawn = give(cast, cast.co_leader, upcoming, "withdrawn")
    camera_off_notices.withdraw_camera_off_notice(withdrawn)
    give(cast, cast.removed, None, "removed member", standing=True)

    assert list(camera_off_notices.camera_off_notices_for(upcoming)) == []


def test_camera_off_notices_for_is_one_query(cast, upcoming, django_assert_num_queries):
    give(cast, cast.member, upcoming, "a")
    give(cast, cast.co_leader, None, "b", standing=True)
    # 1 notices joined with their users
    with django_assert_num_queries(1):
        names = [notice.user.display_name for notice in camera_off_notices.camera_off_notices_for(upcoming)]
    assert names == ["Co Leader", "Member Mo"]
