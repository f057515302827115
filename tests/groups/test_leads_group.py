"""groups.roles.leads_group: the one leader check (it replaced groups' is_group_leader and safeguarding's
is_active_leader, the same query twice, and copies in care and wellbeing)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from groups.models import Membership
from groups.roles import leads_group

pytestmark = pytest.mark.django_db


def test_an_active_leader_leads_their_group_by_instance_or_id(cast):
    assert leads_group(cast.leader, cast.group)
    assert leads_group(cast.leader, cast.group.pk)


def test_members_leaders_of_other_groups_and_visitors_do_not(cast):
    assert not leads_group(cast.member, cast.group)
    assert not leads_group(cast.other_leader, cast.group)
    assert not leads_group(AnonymousUser(), cast.group)


@pytest.mark.parametrize("status", [Membership.Status.SUSPENDED, Membership.Status.LEFT, Membership.Status.REMOVED])
def test_a_leader_whose_membership_is_not_active_does_not(cast, status):
    Membership.objects.filter(group=cast.group, user=cast.leader).update(status=status)
    assert not leads_group(cast.leader, cast.group)
