"""Lookup helpers for sessions, shared by views, consumers and admin actions (see groups/permissions.py)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import Membership
from groups.permissions import check_membership
from sessions.models import GroupSession


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


def require_agreement(membership: Membership) -> None:
    """Members must have agreed to the group's current guidelines before any session page opens."""
    if not membership.has_agreed_to_current():
        raise PermissionDenied("Please read and agree to the group's guidelines first.")
