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


# Room alerts a conversation can be opened about: whatever a member said or asked for.
CONVERSATION_ALERT_KINDS = ("message", "triggered", "check_in", "held_chat", "welfare")


def get_room_alert_for_leader(user, pk: int):
    """A room alert (about a member) of a session of a group the user actively leads; 404 for everyone else."""
    from sessions.models import RoomAlert

    if not user.is_authenticated:
        raise Http404("No such alert.")
    led = Membership.objects.active().leaders().filter(user=user).values("group_id")
    alert = (
        RoomAlert.objects.select_related("session__group", "user")
        .filter(pk=pk, session__group_id__in=led, kind__in=CONVERSATION_ALERT_KINDS)
        .first()
    )
    if alert is None:
        raise Http404("No such alert.")
    return alert
