"""Lookups for wellbeing pages: one helper per object kind, 404 for anyone with no business, 403 for the wrong role."""

from django.http import Http404

from groups.models import Membership, SupportGroup
from groups.permissions import get_group_for_user
from wellbeing.models import SafetyPlan


def get_shared_plan_for_leader(user, slug: str, member_id: int) -> tuple[SupportGroup, SafetyPlan]:
    """A plan the member shares with this group's leaders, while they share it and are an active member."""
    group, _ = get_group_for_user(user, slug, leader=True)
    plan = (
        SafetyPlan.objects.filter(
            user_id=member_id,
            shared_with=group,
            user__memberships__group=group,
            user__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("user")
        .first()
    )
    if plan is None:
        raise Http404("No safety plan is shared with you here.")
    return group, plan


def plans_shared_with(group: SupportGroup):
    """The plans shared with a group's leaders, of its active members, by name."""
    return (
        SafetyPlan.objects.filter(
            shared_with=group,
            user__memberships__group=group,
            user__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("user__display_name")
    )
