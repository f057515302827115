"""Who may be in the room: checked when the page opens, when a socket connects, and before every action.

The page and the socket ask `get_room_for_user` (the socket through `admit_socket`, with a code for each
refusal); every action re-reads the person's seat with `current_seat`, because a removal, a suspension or
the end of the session can happen while their socket is open.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import Membership
from members.roles import has_mfa
from safeguarding.models import Removal
from sessions.models import GroupSession
from sessions.permissions import get_session_for_user, require_agreement
from sessions.room.models import RoomParticipant
from sessions.room.seat_query import fetch_seat

REMOVED_FROM_SESSION = (
    "A leader has asked you to leave this session, so you can't rejoin it. "
    "If you'd like to talk about it, please message the group's leaders after the session."
)
NOT_OPEN = {
    GroupSession.Status.SCHEDULED: "The room isn't open yet. It opens when a leader starts the session.",
    GroupSession.Status.ENDED: "This session has ended. Thank you for being part of it.",
    GroupSession.Status.CANCELLED: "This session was cancelled.",
}


class RoomNotOpen(PermissionDenied):
    """The session exists and the person may come, but its room is not open (yet, or any more)."""


class RoomRefused(Exception):
    """Someone may not (or may no longer) be in the room. `code` for the socket, `message` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


# --- who may be in the room --------------------------------------------------------------------


def get_room_for_user(user, session_id: int, *, leader: bool = False) -> tuple[GroupSession, Membership]:
    """The session whose room the user may enter, and their membership.

    404 for outsiders, PermissionDenied (kind message) for members who may not come in,
    RoomNotOpen when the room is not open. Used by the room views and the consumer's connect.
    """
    session, membership = get_session_for_user(user, session_id, leader=leader)
    membership.user = user  # same row; saves a query for callers that read membership.user
    require_agreement(membership)
    if Removal.objects.active_for(session, user).exists():
        raise PermissionDenied(REMOVED_FROM_SESSION)
    if not session.is_open:
        raise RoomNotOpen(NOT_OPEN.get(session.status, "This room is not open."))
    return session, membership


def admit_socket(user, session_id: int) -> tuple[GroupSession, Membership]:
    """get_room_for_user for the websocket: the same rules, as a RoomRefused with a code."""
    try:
        session, membership = get_room_for_user(user, session_id)
    except Http404:
        raise RoomRefused("not_found", "No such session.") from None
    except RoomNotOpen as exc:
        raise RoomRefused("not_open", str(exc)) from None
    except PermissionDenied as exc:
        raise RoomRefused("forbidden", str(exc)) from None
    # Pages get this from RequireMFAForStaffMiddleware; sockets do not pass through it.
    if membership.is_leader and not has_mfa(user):
        raise RoomRefused("mfa_required", "Leaders need two-step verification set up before opening the room.")
    return session, membership


@dataclass
class Seat:
    """Someone's current place in a room, re-read from the database for every action they take."""

    participant: RoomParticipant
    is_leader: bool

    @property
    def session(self) -> GroupSession:
        return self.participant.session

    @property
    def user(self):
        return self.participant.user


ROLE_CHANGED = "Your role in this group has changed, so the room has closed here. Please open it again."
NO_LONGER_IN_GROUP = "Your place in this group has changed, so the room has closed for you."


def current_seat(session_id: int, user) -> Seat:
    """Re-check, in one query, that the user is still allowed in the room (a removal happens mid-session).

    This runs before every action in the room, so its query is built once (sessions/room/seat_query.py)."""
    found = fetch_seat(session_id, user.pk)
    if found is None:
        raise RoomRefused("not_in_room", "Please open the room page to come in.")
    participant = found.participant
    participant.user = user
    if found.membership_status != Membership.Status.ACTIVE:
        raise RoomRefused("forbidden", NO_LONGER_IN_GROUP)
    if found.removed:
        raise RoomRefused("removed", REMOVED_FROM_SESSION)
    if participant.session.status != GroupSession.Status.OPEN:
        raise RoomRefused("not_open", NOT_OPEN.get(participant.session.status, "This room is not open."))
    if participant.session.group.is_archived:
        raise RoomRefused("not_open", "This group is no longer running.")
    return Seat(participant=participant, is_leader=found.membership_role == Membership.Role.LEADER)


SIGNED_OUT = "Your sign-in has ended in this window, so the room has closed here. Please sign in again to come back."


def check_signed_in(session_key: str | None, user_id: int) -> None:
    """The sign-in a socket was opened with still holds: its Django session exists and belongs to this
    person, their password has not changed since, and the account is active. RoomRefused if not.

    Signing out, a disabled account and a password change all end it (members/signals.py then asks the
    person's sockets to re-check); sockets of the person's other sign-ins, still valid, stay open.
    """
    from importlib import import_module
    from types import SimpleNamespace

    from django.conf import settings
    from django.contrib.auth import get_user

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(SimpleNamespace(session=store))  # AnonymousUser unless all of the above hold
    if user.pk != user_id or not user.is_active:
        raise RoomRefused("signed_out", SIGNED_OUT)
