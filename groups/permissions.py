"""One lookup helper per object kind, shared by views, consumers and admin actions.

Outsiders get 404 (the group's existence is private); members without the right get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import Membership, SupportGroup

REFUSALS = {
    Membership.Status.PENDING: "Your request to join this group is waiting for a leader to look at it.",
    Membership.Status.SUSPENDED: "Your membership of this group is paused at the moment.",
    Membership.Status.REMOVED: "You are not part of this group at the moment.",
}


def get_membership(user, group: SupportGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group=group).first()


def check_membership(membership: Membership | None, *, leader: bool = False) -> Membership:
    """Raise Http404 for outsiders, PermissionDenied for members without the right; return the membership."""
    if membership is None or membership.status == Membership.Status.LEFT:
        raise Http404("No such group.")
    if membership.status != Membership.Status.ACTIVE:
        raise PermissionDenied(REFUSALS.get(membership.status, "You cannot open this page."))
    if leader and membership.role != Membership.Role.LEADER:
        raise PermissionDenied("Only the group's leaders can do this.")
    return membership


def get_group_for_user(user, slug: str, *, leader: bool = False) -> tuple[SupportGroup, Membership]:
    """The group named by slug and the user's membership of it, or 404/403 (see module docstring)."""
    if not user.is_authenticated:
        raise Http404("No such group.")
    membership = (
        Membership.objects.select_related("group").filter(user=user, group__slug=slug, group__is_archived=False).first()
    )
    membership = check_membership(membership, leader=leader)
    return membership.group, membership
