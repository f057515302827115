"""Who may see which safeguarding record. Shared by views, admin and services.

Anyone with no business seeing a record gets 404 (its existence is private too); someone who may see it
but not do a particular thing gets PermissionDenied with a kind message.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from groups.models import Membership, SupportGroup
from groups.roles import leads_group
from members.roles import TRUSTEES_GROUP, is_trustee
from safeguarding.models import Concern, ContactDetails, Removal


def trustees() -> QuerySet:
    """Everyone who counts as a trustee (members.roles.is_trustee), for emails."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True, groups__name=TRUSTEES_GROUP))
        .distinct()
    )


def welfare_groups(leader, member_user) -> QuerySet:
    """Groups the leader actively leads to which member_user belongs (or was removed from)."""
    if not leader.is_authenticated:
        return SupportGroup.objects.none()
    return SupportGroup.objects.filter(
        memberships__user=leader,
        memberships__role=Membership.Role.LEADER,
        memberships__status=Membership.Status.ACTIVE,
    ).filter(pk__in=Membership.objects.in_leaders_care().filter(user=member_user).values("group_id"))


def get_contact_for_reveal(user, member_user) -> ContactDetails | None:
    """The member's contact details for someone who may reveal them (a trustee, or a leader of one of
    the member's groups); None when the member has shared none; Http404 for anyone else."""
    if not user.is_authenticated:
        raise Http404("Nothing to see here.")
    if not is_trustee(user) and not welfare_groups(user, member_user).exists():
        raise Http404("Nothing to see here.")
    return ContactDetails.objects.filter(user=member_user).first()


def concern_role(user, concern: Concern) -> str | None:
    """How the user relates to a concern: "trustee", "leader" (may read it), "raiser" (status only) or None."""
    if not user.is_authenticated:
        return None
    if is_trustee(user):
        return "trustee"
    if concern.leaders_may_read and leads_group(user, concern.group_id):
        return "leader"
    if concern.raised_by_id == user.pk:
        return "raiser"
    return None


def get_concern_for_user(user, pk: int) -> Concern:
    """A concern its raiser, the group's leaders (if raised with them) or a trustee may see; else 404."""
    concern = Concern.objects.select_related("group", "raised_by", "about_user", "session").filter(pk=pk).first()
    if concern is None or concern_role(user, concern) is None:
        raise Http404("No such concern.")
    return concern


def get_removal_for_user(user, pk: int) -> Removal:
    """A removal a trustee or a leader of its group may act on; 404 for everyone else."""
    removal = Removal.objects.select_related("membership__group", "membership__user").filter(pk=pk).first()
    if removal is None or not user.is_authenticated:
        raise Http404("No such removal.")
    if not is_trustee(user) and not leads_group(user, removal.membership.group_id):
        raise Http404("No such removal.")
    return removal
