"""Joining a session and the register: who may join now, the single-use join ticket, and attendance.

A removal from the session (safeguarding's Removal, the one record of it) blocks joining as it blocks the room.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from groups.models import Membership
from safeguarding.models import Removal
from sessions.models import Attendance, GroupSession, JoinToken
from sessions.services import SessionStateError


def join_refusal(session: GroupSession, membership: Membership, *, now: datetime | None = None) -> str | None:
    """Why this person cannot open the meeting now (a kind message), or None when they can.

    Outsiders never get here (the lookup helper gives them 404). Membership status and agreement
    are checked before the session's own window.
    """
    if membership.status == Membership.Status.SUSPENDED:
        return "Your membership of this group is paused at the moment, so you can't join its sessions."
    if membership.status == Membership.Status.REMOVED:
        return "You are not part of this group at the moment, so you can't join its sessions."
    if membership.status != Membership.Status.ACTIVE:
        return "You can join this group's sessions once a leader has welcomed you into the group."
    if not membership.has_agreed_to_current():
        return "Please read and agree to the group's guidelines before joining a session."
    if removed_from_session(session, membership.user_id):
        return "A leader has asked you to leave this session, so you can't rejoin it. Please message the leaders."
    return session.join_refusal(now)


def removed_from_session(session: GroupSession, user_id: int) -> bool:
    """A removal from this session (safeguarding's Removal, the one record of it) blocks the join page too."""
    return Removal.objects.active_for(session, user_id).exists()


def issue_join_token(session: GroupSession, membership: Membership) -> str:
    """A single-use, minute-long ticket to the meeting for this member. Raises SessionStateError if refused."""
    refusal = join_refusal(session, membership)
    if refusal:
        raise SessionStateError(refusal)
    if not session.has_meeting_link:
        raise SessionStateError("The leaders haven't added the meeting link yet. Please try again in a moment.")
    _, raw = JoinToken.issue(session=session, user=membership.user)
    return raw


def redeem_join_token(session: GroupSession, membership: Membership, raw: str) -> str:
    """Use the ticket once, record attendance and return the meeting link. Raises SessionStateError if refused."""
    with transaction.atomic():
        if not JoinToken.claim(raw, session=session, user=membership.user):
            raise SessionStateError(
                "That link to the meeting has already been used or has expired (it lasts a minute). "
                "Please go back to the session page and join again."
            )
        # Re-checked after the claim: a removal or the end of the session may have happened in between.
        refusal = join_refusal(session, membership)
        if refusal:
            raise SessionStateError(refusal)
        link = session.meeting_link  # a rotation since the ticket was issued deleted the ticket: claim failed
        if not link:
            raise SessionStateError("The leaders haven't added the meeting link yet. Please try again in a moment.")
        record_join(session, membership.user)
    return link


def record_join(session: GroupSession, user) -> Attendance:
    """Note that someone joined; a rejoin keeps the first join time and clears the leave time."""
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                return Attendance.objects.create(session=session, user=user, joined_at=now, last_joined_at=now)
        except IntegrityError:
            pass  # they have been here before (or another tab got there first): update their row
        Attendance.objects.filter(session=session, user=user).update(
            last_joined_at=now, left_at=None, times_joined=F("times_joined") + 1
        )
        return Attendance.objects.get(session=session, user=user)


def record_leave(session: GroupSession, user) -> None:
    """Note that someone left (the live room calls this too). Nothing happens if they were not marked as in."""
    Attendance.objects.filter(session=session, user=user, left_at__isnull=True).update(left_at=timezone.now())


def record_entry(session: GroupSession, user) -> None:
    """Someone came into the room, by whatever route (the join ticket, "Go to the session room", a leader's
    dashboard): make sure the register has them. Coming back after leaving counts as joining again; a
    second tab or a reconnect while they are still in does not."""
    if Attendance.objects.filter(session=session, user=user, left_at__isnull=True).exists():
        return
    record_join(session, user)


def record_removal(session: GroupSession, user) -> None:
    """A leader removed someone from the session: the register shows the removal's own time, marked removed."""
    now = timezone.now()
    Attendance.objects.get_or_create(session=session, user=user, defaults={"joined_at": now, "last_joined_at": now})
    Attendance.objects.filter(session=session, user=user).update(left_at=now, removed_at=now)
