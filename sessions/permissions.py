"""Lookup helpers for sessions, shared by views, consumers and admin actions (see groups/permissions.py).

Outsiders get 404 (a group's sessions are private to it); members without the right get 403 with a kind message.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import Membership, SupportGroup
from groups.permissions import check_membership, get_group_for_user, require_agreement
from groups.permissions import get_member_for_leader as groups_get_member_for_leader
from members.roles import is_trustee
from sessions.models import CameraOffNotice, GroupSession

# Members must agree to the group's current guidelines before a session page opens (AgreementRequired,
# a PermissionDenied; views wrapped in groups.permissions.agreement_required send them to the agree page).
__all__ = [
    "get_camera_off_notice_for_user",
    "get_member_for_leader",
    "get_session_for_user",
    "require_agreement",
    "require_trustee",
]


def get_session_for_user(user, session_id: int, *, leader: bool = False) -> tuple[GroupSession, Membership]:
    """The session and the user's membership of its group: 404 for outsiders, 403 without the right."""
    if not user.is_authenticated:
        raise Http404("No such session.")
    session = GroupSession.objects.select_related("group").filter(pk=session_id, group__is_archived=False).first()
    if session is None:
        raise Http404("No such session.")
    membership = Membership.objects.filter(user=user, group=session.group).first()
    membership = check_membership(membership, leader=leader)
    membership.group = session.group  # same row; saves a query for callers that read membership.group
    return session, membership


def get_member_for_leader(user, slug: str, member_id: int) -> tuple[SupportGroup, Membership]:
    """For a leader of the group: the group and another person's membership of it (any status), or 404."""
    group, _ = get_group_for_user(user, slug, leader=True)
    return group, groups_get_member_for_leader(group, member_id, among=Membership.objects.with_history())


def get_camera_off_notice_for_user(user, notice_id: int) -> CameraOffNotice:
    """The user's own live camera-off notice, or 404 (nobody else may withdraw it)."""
    if not user.is_authenticated:
        raise Http404("No such notice.")
    notice = CameraOffNotice.objects.active().select_related("session", "group").filter(pk=notice_id, user=user).first()
    if notice is None:
        raise Http404("No such notice.")
    return notice


def require_trustee(user) -> None:
    """Charity-wide figures are for trustees only."""
    if not is_trustee(user):
        raise PermissionDenied("Only the charity's trustees can see these figures.")
