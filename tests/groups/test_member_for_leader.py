"""A member as a leader sees them: one named meaning each (issue 14), in groups, the layer that owns memberships.

Before, three lookups each wrote its own status filter: groups' get_membership_for_leader (by membership, any
status: requests are managed there), sessions' get_member_for_leader (anyone but a pending request: the
member's attendance history) and safeguarding's get_group_member_for_leader (active, suspended or removed: the
welfare pages). The rules are unchanged; these tests hold each meaning to them.
"""

import pytest
from django.http import Http404

from groups.models import Membership
from groups.permissions import get_member_for_leader

pytestmark = pytest.mark.django_db

S = Membership.Status
HISTORY = {S.ACTIVE: True, S.SUSPENDED: True, S.REMOVED: True, S.LEFT: True, S.DECLINED: True, S.PENDING: False}
CARE = {S.ACTIVE: True, S.SUSPENDED: True, S.REMOVED: True, S.LEFT: False, S.DECLINED: False, S.PENDING: False}


def found(cast, among) -> bool:
    try:
        membership = get_member_for_leader(cast.group, cast.member.pk, among=among)
    except Http404:
        return False
    assert membership.user == cast.member and membership.group == cast.group
    return True


@pytest.mark.parametrize("status", list(S))
def test_the_attendance_history_sees_anyone_but_a_waiting_request(cast, status):
    Membership.objects.filter(group=cast.group, user=cast.member).update(status=status)
    assert found(cast, Membership.objects.with_history()) is HISTORY[status]


@pytest.mark.parametrize("status", list(S))
def test_the_leaders_look_after_those_in_paused_or_removed_not_those_who_left(cast, status):
    Membership.objects.filter(group=cast.group, user=cast.member).update(status=status)
    assert found(cast, Membership.objects.in_leaders_care()) is CARE[status]


def test_nobody_is_found_through_another_group(cast):
    with pytest.raises(Http404):
        get_member_for_leader(cast.other_group, cast.member.pk, among=Membership.objects.with_history())
