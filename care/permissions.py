"""One lookup helper per object kind (see groups/permissions.py): 404 for anyone who may not know it exists."""

from django.http import Http404

from care.models import FollowUp
from groups.models import Membership


def get_follow_up_for_leader(user, pk: int) -> FollowUp:
    """A follow-up of a group the user actively leads; 404 for everyone else (members, other leaders, trustees)."""
    if not user.is_authenticated:
        raise Http404("No such follow-up.")
    led = Membership.objects.active().leaders().filter(user=user).values("group_id")
    follow_up = FollowUp.objects.select_related("group", "member", "owner").filter(pk=pk, group_id__in=led).first()
    if follow_up is None:
        raise Http404("No such follow-up.")
    return follow_up
