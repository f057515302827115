"""One lookup helper per object kind, shared by views, consumers and admin actions.

Outsiders get 404 (the group's existence is private); members without the right get 403.
Trustees are not members: they see groups and memberships in the admin, not on the group pages.
"""

import functools
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from groups.models import Invitation, Membership, SupportGroup

REFUSALS = {
    Membership.Status.PENDING: "Your request to join this group is waiting for a leader to look at it.",
    Membership.Status.SUSPENDED: "Your membership of this group is paused at the moment.",
    Membership.Status.REMOVED: "You are not part of this group at the moment.",
}

# Statuses that make someone an outsider again: the group's pages behave as if it did not exist.
OUTSIDER_STATUSES = frozenset({Membership.Status.LEFT, Membership.Status.DECLINED})


def get_membership(user, group: SupportGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, group=group).first()


def check_membership(membership: Membership | None, *, leader: bool = False, allow_pending: bool = False) -> Membership:
    """Raise Http404 for outsiders, PermissionDenied for members without the right; return the membership."""
    if membership is None or membership.status in OUTSIDER_STATUSES:
        raise Http404("No such group.")
    if allow_pending and membership.status == Membership.Status.PENDING:
        return membership
    if membership.status != Membership.Status.ACTIVE:
        raise PermissionDenied(REFUSALS.get(membership.status, "You cannot open this page."))
    if leader and membership.role != Membership.Role.LEADER:
        raise PermissionDenied("Only the group's leaders can do this.")
    return membership


def get_group_for_user(
    user, slug: str, *, leader: bool = False, allow_pending: bool = False
) -> tuple[SupportGroup, Membership]:
    """The group named by slug and the user's membership of it, or 404/403 (see module docstring).

    allow_pending lets someone who asked to join reach the one page they need (withdrawing the request).
    """
    if not user.is_authenticated:
        raise Http404("No such group.")
    membership = (
        Membership.objects.select_related("group").filter(user=user, group__slug=slug, group__is_archived=False).first()
    )
    membership = check_membership(membership, leader=leader, allow_pending=allow_pending)
    return membership.group, membership


def get_open_group(slug: str) -> SupportGroup:
    """A group in the public directory (open to requests): what a visitor may ask to join."""
    return get_object_or_404(SupportGroup.objects.open_to_requests(), slug=slug)


def get_membership_for_leader(user, slug: str, membership_id: int) -> tuple[SupportGroup, Membership]:
    """Someone's membership of a group the user leads: 404 unless it belongs to that group."""
    group, _ = get_group_for_user(user, slug, leader=True)
    target = Membership.objects.select_related("user", "group").filter(pk=membership_id, group=group).first()
    if target is None:
        raise Http404("No such member.")
    return group, target


def get_member_for_leader(group: SupportGroup, user_id: int, *, among) -> Membership:
    """Someone's membership of a group the caller has already checked they lead, found by their user id among
    `among` (a meaning: Membership.objects.with_history() or .in_leaders_care()), with the user; else 404."""
    membership = among.select_related("user").filter(group=group, user_id=user_id).first()
    if membership is None:
        raise Http404("No such member in this group.")
    membership.group = group
    return membership


def get_invitation_for_leader(user, slug: str, invitation_id: int) -> tuple[SupportGroup, Invitation]:
    """An invitation of a group the user leads: 404 unless it belongs to that group."""
    group, _ = get_group_for_user(user, slug, leader=True)
    invitation = Invitation.objects.select_related("group").filter(pk=invitation_id, group=group).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return group, invitation


# --- the group agreement ----------------------------------------------------------------------


class AgreementRequired(PermissionDenied):
    """The member has not agreed to the group's current guidelines.

    A PermissionDenied, so a view that does not handle it still refuses (403) with a kind message;
    views wrapped in @agreement_required send the person to the agree page and back instead.
    """

    def __init__(self, group: SupportGroup):
        self.group = group
        super().__init__("Please read and agree to the group's guidelines first.")


def needs_agreement(membership: Membership) -> bool:
    """True when the member (or leader) has not agreed to the group's current guidelines."""
    return not membership.has_agreed_to_current()


def require_agreement(membership: Membership) -> None:
    """Raise AgreementRequired unless the member agreed to the group's current guidelines."""
    if needs_agreement(membership):
        raise AgreementRequired(membership.group)


def agree_url(group: SupportGroup, next_url: str = "") -> str:
    """The agree page for a group, coming back to next_url afterwards."""
    url = reverse("groups:agree", args=[group.slug])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def agreement_required(view):
    """Send a member who has not agreed (AgreementRequired raised in the view) to the agree page, then back."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AgreementRequired as refusal:
            return HttpResponseRedirect(agree_url(refusal.group, request.get_full_path()))

    return wrapper
