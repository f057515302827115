"""What a leader can do in the room: acknowledge an alert, lower hands, reply privately, write in the
leaders' backchannel, turn the chat on or off, remove a member from the session, end it, and record what a
member shared as a safeguarding concern.

Each action re-reads the leader's seat and role first (sessions/room/dispatch.py) and returns an Outcome.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import live
from groups.models import Membership
from safeguarding.models import Removal
from safeguarding.removals import remove_member
from safeguarding.services import raise_concern
from sessions.models import GroupSession
from sessions.room.admission import Seat
from sessions.room.models import RoomAlert, RoomConnection, RoomParticipant
from sessions.room.outcome import (
    Delivery,
    Outcome,
    alert_event,
    lower_hands,
    tell_members_hands_lowered,
)
from sessions.room.protocol import ProtocolError, done, to_browser
from sessions.room.snapshot import alerts_with_people
from sessions.services import SessionStateError, end_session


def _alert_in_session(seat: Seat, alert_id: int, *, lock: bool = False) -> RoomAlert:
    alerts = alerts_with_people().filter(session_id=seat.session.pk)
    if lock:
        alerts = alerts.select_for_update(of=("self",))
    alert = alerts.filter(pk=alert_id).first()
    if alert is None:
        raise ProtocolError("not_found", "That alert is not part of this session.")
    return alert


SEEN_MESSAGES = {
    RoomAlert.Kind.HAND: "A leader has seen your raised hand.",
    RoomAlert.Kind.MESSAGE: "A leader has read your message.",
    RoomAlert.Kind.TRIGGERED: "A leader has seen that you found something triggering.",
    RoomAlert.Kind.HELD_CHAT: "A leader has seen your held-back message.",
}


@transaction.atomic
def acknowledge(seat: Seat, *, alert: int) -> Outcome:
    """One leader acknowledges an alert for all of them. If another got there first, theirs stands."""
    now = timezone.now()
    claimed = RoomAlert.objects.filter(pk=alert, session_id=seat.session.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=seat.user
    )
    item = _alert_in_session(seat, alert)
    deliveries = [alert_event(item)]
    if claimed and item.kind in SEEN_MESSAGES:
        deliveries.append(
            Delivery(
                live.user_group(item.user_id),
                to_browser("seen", session_id=seat.session.pk, kind=item.kind, message=SEEN_MESSAGES[item.kind]),
            )
        )
    by = item.acknowledged_by.display_name if item.acknowledged_by else "a leader"
    return Outcome(reply=done("acknowledge", f"Acknowledged by {by}."), deliveries=deliveries)


@transaction.atomic
def lower_all_hands(seat: Seat) -> Outcome:
    lowered = lower_hands(RoomAlert.objects.raised_hands().filter(session_id=seat.session.pk), actor=seat.user)
    deliveries = [alert_event(alert) for alert in lowered]
    deliveries += tell_members_hands_lowered(seat.session, [a.user_id for a in lowered])
    return Outcome(reply=done("lower_all_hands", f"{len(lowered)} hand(s) lowered."), deliveries=deliveries)


def participant_in_session(session: GroupSession, user_id: int) -> RoomParticipant:
    """Someone's place in this session's room (the video call's actions use it too); not_found if none."""
    participant = (
        RoomParticipant.objects.select_related("user", "session").filter(session=session, user_id=user_id).first()
    )
    if participant is None:
        raise ProtocolError("not_found", "That person is not in this session's room.")
    return participant


@transaction.atomic
def reply(seat: Seat, *, to: int, text: str) -> Outcome:
    """A leader's private reply to one member; the other leaders see it too. Relayed live, never kept."""
    target = participant_in_session(seat.session, to)
    if target.is_leader or target.is_removed:
        raise ProtocolError("not_found", "You can reply to members who are in this session.")
    if not RoomConnection.objects.live().filter(participant=target).exists():
        raise ProtocolError("not_connected", f"{target.user.display_name} is not connected, so the reply was not sent.")
    at = timezone.now().isoformat()
    sender = {"from": seat.user.display_name}  # `from` is a Python keyword, so it goes in by name
    to_member = to_browser("reply", session_id=seat.session.pk, **sender, text=text, at=at)
    to_leaders = to_browser("reply_sent", to_id=target.user_id, to=target.user.display_name, **sender, text=text, at=at)
    return Outcome(
        reply=done("reply", f"Your reply reached {target.user.display_name}."),
        deliveries=[
            Delivery(live.user_group(target.user_id), to_member, required=True),
            Delivery(live.leaders_group(seat.session.pk), to_leaders),
        ],
    )


def backchannel(seat: Seat, *, text: str) -> Outcome:
    """The leaders' backchannel: a line to the session's other leaders only. Relayed live, never kept anywhere."""
    payload = to_browser(
        "backchannel",
        from_id=seat.user.pk,
        **{"from": seat.user.display_name},
        text=text,
        at=timezone.now().isoformat(),
    )
    return Outcome(
        reply=done("backchannel", "Sent to the leaders."),
        deliveries=[Delivery(live.leaders_group(seat.session.pk), payload, required=True)],
    )


@transaction.atomic
def set_chat(seat: Seat, *, enabled: bool) -> Outcome:
    session = GroupSession.objects.select_for_update().get(pk=seat.session.pk)
    if session.chat_enabled != enabled:
        session.chat_enabled = enabled
        session.save(update_fields=["chat_enabled"])
    payload = to_browser("chat_state", session_id=session.pk, enabled=enabled)
    message = "The chat is on." if enabled else "The chat is off for everyone."
    return Outcome(reply=done("chat_toggle", message), deliveries=[Delivery(live.session_group(session.pk), payload)])


@transaction.atomic
def remove_from_session(session: GroupSession, member_user, *, actor, reason: str, note: str = "") -> None:
    """Remove a member from this live session. safeguarding records it (the one record of it) and closes their
    sockets; the room takes them out of it on its signal (sessions/room/removal.py)."""
    if reason not in Removal.Reason.values:
        raise ProtocolError("invalid_field", "Please choose a reason for the removal.")
    membership = Membership.objects.filter(group_id=session.group_id, user=member_user).first()
    if membership is None or membership.role != Membership.Role.MEMBER:
        raise ProtocolError("not_found", "Only members of the group can be removed from a session.")
    try:  # a second leader's removal of the same person finds the first one's and adds nothing
        remove_member(membership, actor=actor, kind="session", reasons=[reason], note=note, session=session)
    except ValidationError as exc:
        raise ProtocolError("invalid_field", " ".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise ProtocolError("forbidden", str(exc)) from None


def remove(seat: Seat, *, user: int, reason: str, note: str = "") -> Outcome:
    """The dashboards hear of it from the room's own part of every removal (sessions/room/removal.py)."""
    target = participant_in_session(seat.session, user)
    remove_from_session(seat.session, target.user, actor=seat.user, reason=reason, note=note)
    return Outcome(
        reply=done(
            "remove", f"{target.user.display_name} has been removed from this session. Safeguarding has a record."
        )
    )


def end(seat: Seat) -> Outcome:
    """End the session for everyone (sessions.services closes every socket after commit)."""
    try:
        end_session(seat.session, actor=seat.user)
    except SessionStateError as exc:
        raise ProtocolError("not_open", str(exc)) from None
    return Outcome(reply=done("end_session", "The session has ended for everyone."))


CONCERN_KINDS = {RoomAlert.Kind.MESSAGE, RoomAlert.Kind.TRIGGERED, RoomAlert.Kind.HELD_CHAT, RoomAlert.Kind.CHECK_IN}


def make_concern(seat: Seat, *, alert: int, text: str, category: str, risk_level: str) -> Outcome:
    """On purpose, a leader records what a member shared as a safeguarding concern: the only way any
    in-session text is ever stored (encrypted, by safeguarding). The member is told."""
    with transaction.atomic():
        item = _alert_in_session(seat, alert, lock=True)
        if item.kind not in CONCERN_KINDS:
            raise ProtocolError("invalid_field", "Only messages, flags and check-ins can become a concern.")
        try:
            raise_concern(
                raised_by=seat.user,
                group=seat.session.group,
                category=category,
                risk_level=risk_level,
                details=text,
                about_user=item.user,
                about="member",
                to_trustees=True,
                source="session",
                session=seat.session,
            )
        except ValidationError as exc:
            raise ProtocolError("invalid_field", " ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise ProtocolError("forbidden", str(exc)) from None
        item.concern_recorded_at = timezone.now()
        item.save(update_fields=["concern_recorded_at"])
    to_member = to_browser(
        "concern_recorded",
        session_id=seat.session.pk,
        message=(
            "A leader has recorded what you shared as a safeguarding concern, so that the charity can support you. "
            "It is kept securely, and someone may talk with you about it privately."
        ),
    )
    return Outcome(
        reply=done("make_concern", "The concern is recorded, and the member has been told."),
        deliveries=[alert_event(item), Delivery(live.user_group(item.user_id), to_member)],
    )
