"""Leaving a group, or withdrawing a request to join."""

import pytest
from django.urls import reverse

from groups.models import Membership
from tests.groups.conftest import LADDER, MEMBER_PAGE, assert_outcome

S, R = Membership.Status, Membership.Role

# Someone waiting for a reply may withdraw their request: the one group page they can open.
LEAVE_PAGE = {**MEMBER_PAGE, "pending": 200}


def status_of(user, cast) -> str:
    return Membership.objects.get(user=user, group=cast.group).status


@pytest.mark.parametrize("who", LADDER)
def test_leave_page_follows_the_permission_ladder(who, as_person, cast):
    assert_outcome(as_person(who).get(reverse("groups:leave", args=[cast.group.slug])), LEAVE_PAGE[who])


@pytest.mark.parametrize("who", LADDER)
def test_leaving_follows_the_permission_ladder(who, as_person, cast):
    response = as_person(who).post(reverse("groups:leave", args=[cast.group.slug]))
    assert_outcome(response, LEAVE_PAGE[who], success=302)
    if LEAVE_PAGE[who] == 200:
        assert status_of(getattr(cast, who), cast) == S.LEFT


def test_member_leaves_and_the_group_is_private_to_them_again(as_person, cast):
    client = as_person("member")
    response = client.post(reverse("groups:leave", args=[cast.group.slug]))
    assert response.url == reverse("groups:mine") + "?left=1"  # the goodbye, with where help is
    assert status_of(cast.member, cast) == S.LEFT
    assert client.get(reverse("groups:detail", args=[cast.group.slug])).status_code == 404


def test_withdrawing_a_request_is_worded_as_such(as_person, cast):
    client = as_person("pending")
    assert "Withdraw your request" in client.get(reverse("groups:leave", args=[cast.group.slug])).content.decode()
    response = client.post(reverse("groups:leave", args=[cast.group.slug]), follow=True)
    assert "withdrawn your request" in [str(m) for m in response.context["messages"]][-1]


def test_the_only_leader_is_asked_to_appoint_another_before_leaving(as_person, cast):
    Membership.objects.filter(user=cast.co_leader).update(role=R.MEMBER)
    response = as_person("leader").post(reverse("groups:leave", args=[cast.group.slug]), follow=True)
    assert "only leader" in [str(m) for m in response.context["messages"]][-1]
    assert status_of(cast.leader, cast) == S.ACTIVE
