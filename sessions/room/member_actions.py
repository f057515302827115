"""The live room's rules: who may be in it, and what each action does to the shared state.

Plain synchronous functions. The websocket consumer calls them through `database_sync_to_async`,
the plain-form fallback views call them directly. Each action writes the room's state in one
transaction and returns an `Outcome`: the messages to deliver once that transaction has committed
(see sessions/live.py for delivery). Text that people write (chat, private messages, notes) only
ever travels inside those outgoing messages; it is never written to the database, cache or logs.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from groups.models import Membership
from groups.wordlist import matched_word
from members.roles import has_mfa
from safeguarding.models import Removal
from safeguarding.services import raise_concern, remove_member
from sessions import live
from sessions.models import GroupSession
from sessions.permissions import get_session_for_user, require_agreement
from sessions.room_models import RoomAlert, RoomConnection, RoomParticipant
from sessions.room_protocol import TYPES, Command, ProtocolError
from sessions.seat_query import fetch_seat
from sessions.services import (
    SessionStateError,
    camera_off_notices_for,
    end_session,
    record_entry,
    record_leave,
    record_removal,
)
from sessions.video import identity_for

REMOVED_FROM_SESSION = (
    "A leader has asked you to leave this session, so you can't rejoin it. "
    "If you'd like to talk about it, please message the group's leaders after the session."
)
NOT_OPEN = {
    GroupSession.Status.SCHEDULED: "The room isn't open yet. It opens when a leader starts the session.",
    GroupSession.Status.ENDED: "This session has ended. Thank you for being part of it.",
    GroupSession.Status.CANCELLED: "This session was cancelled.",
}
NO_LEADER = "No leader is connected right now, so your message was not delivered. Please try again in a moment."
NOT_DELIVERED = "Sorry, that could not be delivered just now, and it has not been kept anywhere. Please try again."


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
    if RoomParticipant.objects.filter(session=session, user=user, removed_at__isnull=False).exists():
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


NO_LONGER_IN_GROUP = "Your place in this group has changed, so the room has closed for you."


def current_seat(session_id: int, user) -> Seat:
    """Re-check, in one query, that the user is still allowed in the room (a removal happens mid-session).

    This runs before every action in the room, so its query is built once (sessions/seat_query.py)."""
    found = fetch_seat(session_id, user.pk)
    if found is None:
        raise RoomRefused("not_in_room", "Please open the room page to come in.")
    participant = found.participant
    participant.user = user
    if found.membership_status != Membership.Status.ACTIVE:
        raise RoomRefused("forbidden", NO_LONGER_IN_GROUP)
    if participant.removed_at:
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


# --- what an action produces -------------------------------------------------------------------


@dataclass
class Delivery:
    """One message for a channel-layer group. `required`: if it cannot be sent, the sender is told."""

    group: str
    payload: dict
    required: bool = False


@dataclass
class Outcome:
    """What happened: messages to deliver after commit, and the answer for the person who acted."""

    reply: dict
    deliveries: list[Delivery] = field(default_factory=list)
    # Database clean-up if a required delivery fails (e.g. withdraw the alert for a message that never arrived).
    undo: Callable[[], None] | None = None


def done(action: str, message: str, **extra) -> dict:
    """The answer to the person who acted: `message` is shown to them (and announced to screen readers)."""
    return {"type": "done", "action": action, "message": message, **extra}


def error(code: str, message: str) -> dict:
    return {"type": "error", "code": code, "message": message}


# --- serialising state for the browsers ---------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def participant_payload(participant: RoomParticipant, *, left_without_check_in: bool = False) -> dict:
    user = participant.user
    return {
        # Presence lives on the roster, not in the alert inbox: "left without a check-in" is said here.
        "left_without_check_in": left_without_check_in,
        "user_id": participant.user_id,
        "name": user.display_name,
        "pronouns": user.pronouns,
        "is_leader": participant.is_leader,
        "status": participant.status,
        "joined_at": _iso(participant.joined_at),
        "left_at": _iso(participant.left_at),
        "stepped_out_at": _iso(participant.stepped_out_at),
        "passing": participant.passing_since is not None,
        # The video call: the engine's opaque name for them (for the leaders' tiles), and the waiting room.
        "call_identity": identity_for(participant.session_id, participant.user_id),
        "admitted": participant.is_leader or participant.admitted_at is not None,
    }


def alert_payload(alert: RoomAlert) -> dict:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": alert.get_kind_display(),
        "user_id": alert.user_id,
        "name": alert.user.display_name,
        "created_at": _iso(alert.created_at),
        "check_in": alert.check_in,
        "check_in_label": alert.get_check_in_display() if alert.check_in else "",
        "had_note": alert.had_note,
        "matched_word": alert.matched_word,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by.display_name if alert.acknowledged_by else None,
        "lowered_at": _iso(alert.lowered_at),
        "lowered_by": alert.lowered_by.display_name if alert.lowered_by else None,
        "concern_recorded": alert.concern_recorded_at is not None,
    }


def member_state(participant: RoomParticipant, *, hand_raised: bool) -> dict:
    """What a member's own page needs to know about themselves."""
    return {
        "status": participant.status,
        "hand_raised": hand_raised,
        "stepped_out": participant.stepped_out_at is not None,
        "passing": participant.passing_since is not None,
        "chat_enabled": participant.session.chat_enabled,
    }


def _alerts_with_people():
    return RoomAlert.objects.select_related("user", "acknowledged_by", "lowered_by")


def _participant_event(participant: RoomParticipant, *, left_without_check_in: bool = False) -> Delivery:
    payload = participant_payload(participant, left_without_check_in=left_without_check_in)
    return Delivery(live.leaders_group(participant.session_id), {"type": "participant", "participant": payload})


def _alert_event(alert: RoomAlert, *, text: str | None = None, required: bool = False) -> Delivery:
    payload = {"type": "alert", "alert": alert_payload(alert)}
    if text:
        payload["text"] = text  # relayed live only: never stored, never logged
    return Delivery(live.leaders_group(alert.session_id), payload, required=required)


def _self_state_event(participant: RoomParticipant, state: dict) -> Delivery:
    """Keeps the member's other tabs in step."""
    return Delivery(
        live.user_group(participant.user_id), {"type": "state", "session_id": participant.session_id, **state}
    )


def _hand_is_up(participant: RoomParticipant) -> bool:
    return (
        RoomAlert.objects.raised_hands().filter(session_id=participant.session_id, user_id=participant.user_id).exists()
    )


# --- coming in and going out -------------------------------------------------------------------


@transaction.atomic
def enter(session: GroupSession, membership: Membership, *, channel_name: str | None = None) -> Outcome:
    """The person opened the room (page or socket): they are present. Idempotent across tabs and processes."""
    user = membership.user
    now = timezone.now()
    participant, created = RoomParticipant.objects.select_for_update().get_or_create(
        session=session, user=user, defaults={"is_leader": membership.is_leader, "joined_at": now}
    )
    participant.session = session
    returning = participant.left_at is not None
    if created or returning:
        record_entry(session, user)  # the register counts every route into the room, leaders too
    if returning:
        participant.left_at = None
        participant.joined_at = now
        participant.save(update_fields=["left_at", "joined_at"])
        # They are back: a "left without a check-in" alert is no longer current.
        RoomAlert.objects.filter(session=session, user=user, kind=RoomAlert.Kind.LEFT, lowered_at__isnull=True).update(
            lowered_at=now
        )
    if participant.is_leader != membership.is_leader:
        participant.is_leader = membership.is_leader
        participant.save(update_fields=["is_leader"])
    if channel_name:
        RoomConnection.objects.update_or_create(
            channel_name=channel_name, defaults={"participant": participant, "opened_at": now, "seen_at": now}
        )
    deliveries = [_participant_event(participant)] if created or returning or channel_name else []
    return Outcome(reply={"type": "entered"}, deliveries=deliveries)


def heartbeat(seat: Seat, *, channel_name: str) -> Outcome:
    """A socket is still alive. Leaders' heartbeats also look for anyone stepped out too long, and bring the
    dashboard the whole room again: with the pub/sub channel layer, a message published while a process was
    reconnecting to Redis is lost without an error, so a dashboard is never more than one heartbeat behind."""
    RoomConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())
    if not seat.is_leader:
        return Outcome(reply={"type": "pong"})
    deliveries = welfare_prompts(seat.session)
    return Outcome(reply={"type": "pong", "snapshot": snapshot(seat.session)}, deliveries=deliveries)


@transaction.atomic
def disconnect(session_id: int, user_id: int, *, channel_name: str) -> Outcome:
    """A socket closed. When it was the person's last one, they have left (leaders are told)."""
    RoomConnection.objects.filter(channel_name=channel_name).delete()
    participant = (
        RoomParticipant.objects.select_for_update()
        .select_related("user", "session")
        .filter(session_id=session_id, user_id=user_id)
        .first()
    )
    if participant is None or participant.left_at or participant.removed_at:
        return Outcome(reply={})
    connections = RoomConnection.objects.filter(participant=participant)
    connections.exclude(pk__in=connections.live().values("pk")).delete()  # left behind by a crashed process
    if connections.exists():
        return Outcome(reply={})
    return _mark_left(participant, check_in=None)


def _mark_left(participant: RoomParticipant, *, check_in: str | None, note: str = "") -> Outcome:
    now = timezone.now()
    participant.left_at = now
    participant.stepped_out_at = None
    participant.save(update_fields=["left_at", "stepped_out_at"])
    hands = RoomAlert.objects.raised_hands().filter(session_id=participant.session_id, user_id=participant.user_id)
    record_leave(participant.session, participant.user)
    unchecked = not participant.is_leader and not check_in
    deliveries = [_participant_event(participant, left_without_check_in=unchecked)]
    deliveries += [_alert_event(hand) for hand in _lower(hands, actor=None)]
    if check_in and not participant.is_leader:
        alert = RoomAlert.objects.create(
            session_id=participant.session_id,
            user=participant.user,
            kind=RoomAlert.Kind.CHECK_IN,
            check_in=check_in,
            had_note=bool(note),
        )
        deliveries.append(_alert_event(alert, text=note or None))
    elif unchecked:
        # Kept for the follow-ups made when the session ends; shown on the roster only (a reload or a flaky
        # phone would otherwise pile up cards in the leaders' inbox).
        RoomAlert.objects.create(session_id=participant.session_id, user=participant.user, kind=RoomAlert.Kind.LEFT)
    return Outcome(reply={}, deliveries=deliveries)


# --- member actions ----------------------------------------------------------------------------


def _in_room(seat: Seat) -> RoomParticipant:
    participant = seat.participant
    if participant.left_at:
        raise ProtocolError("not_in_room", "You have left the room. Open the room page again to come back in.")
    return participant


def raise_hand(seat: Seat) -> Outcome:
    # No transaction around the whole action: the insert is its one write that matters (the unique constraint
    # decides between tabs and processes), and on the room's busiest path every BEGIN, COMMIT or SAVEPOINT is
    # one more round trip to the database before the leaders hear of the hand (bench/: alert latency). In
    # autocommit a refused insert leaves the connection usable; inside someone's transaction (a test, a view
    # with ATOMIC_REQUESTS) a savepoint keeps that transaction usable.
    participant = _in_room(seat)
    alert = None
    try:
        with transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext():
            alert = RoomAlert.objects.create(
                session_id=participant.session_id, user=seat.user, kind=RoomAlert.Kind.HAND
            )
    except IntegrityError:
        pass  # already up (another tab or process raised it first)
    if participant.passing_since:  # raising a hand means they would like to talk after all
        participant.passing_since = None
        participant.save(update_fields=["passing_since"])
    state = member_state(participant, hand_raised=True)
    deliveries = [_alert_event(alert)] if alert else []  # the leaders first: they are who the hand is for
    deliveries.append(_self_state_event(participant, state))
    message = "Your hand is raised. The leaders can see it."
    return Outcome(reply=done("raise_hand", message, state=state), deliveries=deliveries)


def _lower(alerts, *, actor) -> list[RoomAlert]:
    """Lower the given hands, returning them as they are now (for the leaders' inbox)."""
    now = timezone.now()
    ids = list(alerts.select_for_update().values_list("pk", flat=True))
    RoomAlert.objects.filter(pk__in=ids, lowered_at__isnull=True).update(lowered_at=now, lowered_by=actor)
    return list(_alerts_with_people().filter(pk__in=ids))


@transaction.atomic
def lower_hand(seat: Seat, *, user: int | None = None) -> Outcome:
    """A member lowers their own hand; a leader lowers anyone's."""
    target = seat.user.pk if user is None else user
    if target != seat.user.pk and not seat.is_leader:
        raise ProtocolError("forbidden", "Only the session's leaders can lower someone else's hand.")
    if seat.is_leader and user is None:
        raise ProtocolError("invalid_field", "'user' is missing: whose hand should be lowered?")
    hands = RoomAlert.objects.raised_hands().filter(session_id=seat.session.pk, user_id=target)
    lowered = _lower(hands, actor=seat.user)
    deliveries = [_alert_event(alert) for alert in lowered]
    if seat.is_leader:
        deliveries += _tell_members_hands_lowered(seat.session, [a.user_id for a in lowered])
        return Outcome(reply=done("lower_hand", "Hand lowered."), deliveries=deliveries)
    participant = seat.participant
    state = member_state(participant, hand_raised=False)
    deliveries.append(_self_state_event(participant, state))
    return Outcome(reply=done("lower_hand", "Your hand is lowered.", state=state), deliveries=deliveries)


def _tell_members_hands_lowered(session: GroupSession, user_ids: list[int]) -> list[Delivery]:
    return [
        Delivery(
            live.user_group(user_id),
            {
                "type": "state",
                "session_id": session.pk,
                "hand_raised": False,
                "message": "A leader has lowered your hand.",
            },
        )
        for user_id in user_ids
    ]


@transaction.atomic
def step_out(seat: Seat) -> Outcome:
    participant = _in_room(seat)
    if participant.stepped_out_at is None:
        participant.stepped_out_at = timezone.now()
        participant.save(update_fields=["stepped_out_at"])
    state = member_state(participant, hand_raised=_hand_is_up(participant))
    message = "The leaders know you've stepped out. Take the time you need, and press \"I'm back\" when you return."
    return Outcome(
        reply=done("step_out", message, state=state),
        deliveries=[_participant_event(participant), _self_state_event(participant, state)],
    )


@transaction.atomic
def back(seat: Seat) -> Outcome:
    participant = _in_room(seat)
    if participant.stepped_out_at is not None:
        participant.stepped_out_at = None
        participant.save(update_fields=["stepped_out_at"])
    # A welfare prompt for this time away is no longer current: the leaders' inbox is told at once.
    prompts = RoomAlert.objects.filter(
        session_id=participant.session_id, user=seat.user, kind=RoomAlert.Kind.WELFARE, lowered_at__isnull=True
    )
    settled = _lower(prompts, actor=None)
    state = member_state(participant, hand_raised=_hand_is_up(participant))
    return Outcome(
        reply=done("back", "Welcome back. The leaders can see you've returned.", state=state),
        deliveries=[
            _participant_event(participant),
            *map(_alert_event, settled),
            _self_state_event(participant, state),
        ],
    )


@transaction.atomic
def pass_turn(seat: Seat) -> Outcome:
    """'I'd rather not talk today': a quiet note on the roster, never counted or ranked."""
    participant = _in_room(seat)
    if participant.passing_since is None:
        participant.passing_since = timezone.now()
        participant.save(update_fields=["passing_since"])
    state = member_state(participant, hand_raised=_hand_is_up(participant))
    message = "That's fine. The leaders know you'd rather not talk today. You're welcome just to listen."
    return Outcome(
        reply=done("pass", message, state=state),
        deliveries=[_participant_event(participant), _self_state_event(participant, state)],
    )


def _leader_connected(session_id: int) -> bool:
    return (
        RoomConnection.objects.live()
        .filter(participant__session_id=session_id, participant__is_leader=True, participant__left_at__isnull=True)
        .exists()
    )


def _withdraw_alert(alert_id: int):
    def undo():
        RoomAlert.objects.filter(pk=alert_id).delete()

    return undo


@transaction.atomic
def triggered(seat: Seat, *, note: str = "") -> Outcome:
    """'I found that triggering': for the leaders only. The optional note is relayed live, never kept."""
    participant = _in_room(seat)
    alert = RoomAlert.objects.create(
        session_id=participant.session_id, user=seat.user, kind=RoomAlert.Kind.TRIGGERED, had_note=bool(note)
    )
    message = (
        "Thank you for saying. The leaders have been told, and only them. If you'd like to talk to someone now, "
        "“Need help now?” at the top of the page has numbers you can call or text."
    )
    return Outcome(reply=done("triggered", message), deliveries=[_alert_event(alert, text=note or None)])


@transaction.atomic
def message_leaders(seat: Seat, *, text: str) -> Outcome:
    """A private message to every leader of the session (and no one else), relayed live only."""
    participant = _in_room(seat)
    if not _leader_connected(participant.session_id):
        raise ProtocolError("no_leader", NO_LEADER)
    alert = RoomAlert.objects.create(session_id=participant.session_id, user=seat.user, kind=RoomAlert.Kind.MESSAGE)
    return Outcome(
        reply=done("message", "Your message reached the leaders."),
        deliveries=[_alert_event(alert, text=text, required=True)],
        undo=_withdraw_alert(alert.pk),
    )


def chat_handle(session_id: int, user_id: int) -> str:
    """Who sent a chat line, for the room's pages to tell "You" from others: opaque, and different in each
    session. A user id would go to every member in the room and is a key to the person across the site."""
    return salted_hmac("sessions.room.chat_handle", f"{session_id}:{user_id}").hexdigest()[:20]


@transaction.atomic
def chat(seat: Seat, *, text: str) -> Outcome:
    """Group chat: relayed live to everyone in the room, never stored. Word-list matches go to the leaders only."""
    _in_room(seat)
    session = seat.session
    if not session.chat_enabled:
        raise ProtocolError("chat_off", "The leaders have turned the chat off for now.")
    word = None if seat.is_leader else matched_word(text, session.group.word_list)
    if word:
        alert = RoomAlert.objects.create(
            session_id=session.pk, user=seat.user, kind=RoomAlert.Kind.HELD_CHAT, matched_word=word[:100]
        )
        message = (
            "Your message wasn't shared with the group because it includes words this group has agreed not to use "
            "in the chat. The leaders can see it and may check in with you. Thank you for understanding."
        )
        return Outcome(
            reply=done("chat_held", message),
            deliveries=[_alert_event(alert, text=text, required=True)],
            undo=_withdraw_alert(alert.pk),
        )
    payload = {
        "type": "chat",
        "from": seat.user.display_name,
        "from_handle": chat_handle(session.pk, seat.user.pk),
        "is_leader": seat.is_leader,
        "text": text,  # relayed live only
        "at": timezone.now().isoformat(),
    }
    return Outcome(reply=done("chat", "Sent."), deliveries=[Delivery(live.session_group(session.pk), payload, True)])


@transaction.atomic
def leave(seat: Seat, *, choice: str, note: str = "") -> Outcome:
    """Leaving with a short check-in to the leaders. The note is relayed live, never kept."""
    if choice == "note" and not note:
        raise ProtocolError("invalid_field", "Please write a few words, or choose one of the other options.")
    participant = _in_room(seat)
    outcome = _mark_left(participant, check_in=choice, note=note)
    # Close the member's other tabs in this room.
    outcome.deliveries.append(
        Delivery(live.user_group(participant.user_id), {"type": "left", "session_id": participant.session_id})
    )
    outcome.reply = done("leave", "Thank you for letting us know. Take good care of yourself.")
    return outcome


# --- after the session has ended ------------------------------------------------------------------

# After the end nobody is in the room to read a note, and notes are never kept: so just these two.
AFTER_END_CHECK_IN = [
    (RoomAlert.CheckIn.OK, "I'm OK"),
    (RoomAlert.CheckIn.CONTACT, "I'd like someone to contact me"),
]


def check_in_due_after_end(session: GroupSession, user) -> bool:
    """The person was still in the room when the session ended, and has not given the leaving check-in yet."""
    if not session.is_ended:
        return False
    return (
        RoomParticipant.objects.filter(session=session, user=user, left_when_ended=True, is_leader=False).exists()
        and not RoomAlert.objects.filter(session=session, user=user, kind=RoomAlert.Kind.CHECK_IN).exists()
    )


@transaction.atomic
def check_in_after_end(session: GroupSession, user, *, choice: str) -> RoomAlert:
    """The leaving check-in, given after a leader ended the session. Once; what asks a leader to act later
    becomes a follow-up (care/ listens to checked_in_after_end). ValidationError for a bad or late answer."""
    from sessions.signals import checked_in_after_end

    if choice not in dict(AFTER_END_CHECK_IN):
        raise ValidationError({"choice": "Please choose one of the options."})
    GroupSession.objects.select_for_update().filter(pk=session.pk).first()  # one check-in, however many tabs
    if not check_in_due_after_end(session, user):
        raise ValidationError("Thank you: your check-in for this session has already reached the leaders.")
    alert = RoomAlert.objects.create(session=session, user=user, kind=RoomAlert.Kind.CHECK_IN, check_in=choice)
    checked_in_after_end.send(sender=RoomAlert, alert=alert)
    return alert


# --- leader actions ----------------------------------------------------------------------------


def _alert_in_session(seat: Seat, alert_id: int, *, lock: bool = False) -> RoomAlert:
    alerts = _alerts_with_people().filter(session_id=seat.session.pk)
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
    deliveries = [_alert_event(item)]
    if claimed and item.kind in SEEN_MESSAGES:
        deliveries.append(
            Delivery(
                live.user_group(item.user_id),
                {"type": "seen", "session_id": seat.session.pk, "kind": item.kind, "message": SEEN_MESSAGES[item.kind]},
            )
        )
    by = item.acknowledged_by.display_name if item.acknowledged_by else "a leader"
    return Outcome(reply=done("acknowledge", f"Acknowledged by {by}."), deliveries=deliveries)


@transaction.atomic
def lower_all_hands(seat: Seat) -> Outcome:
    lowered = _lower(RoomAlert.objects.raised_hands().filter(session_id=seat.session.pk), actor=seat.user)
    deliveries = [_alert_event(alert) for alert in lowered]
    deliveries += _tell_members_hands_lowered(seat.session, [a.user_id for a in lowered])
    return Outcome(reply=done("lower_all_hands", f"{len(lowered)} hand(s) lowered."), deliveries=deliveries)


def _participant_in_session(session: GroupSession, user_id: int) -> RoomParticipant:
    participant = (
        RoomParticipant.objects.select_related("user", "session").filter(session=session, user_id=user_id).first()
    )
    if participant is None:
        raise ProtocolError("not_found", "That person is not in this session's room.")
    return participant


@transaction.atomic
def reply(seat: Seat, *, to: int, text: str) -> Outcome:
    """A leader's private reply to one member; the other leaders see it too. Relayed live, never kept."""
    target = _participant_in_session(seat.session, to)
    if target.is_leader or target.removed_at:
        raise ProtocolError("not_found", "You can reply to members who are in this session.")
    if not RoomConnection.objects.live().filter(participant=target).exists():
        raise ProtocolError("not_connected", f"{target.user.display_name} is not connected, so the reply was not sent.")
    at = timezone.now().isoformat()
    to_member = {
        "type": "reply",
        "session_id": seat.session.pk,
        "from": seat.user.display_name,
        "text": text,
        "at": at,
    }
    to_leaders = {
        "type": "reply_sent",
        "to_id": target.user_id,
        "to": target.user.display_name,
        "from": seat.user.display_name,
        "text": text,
        "at": at,
    }
    return Outcome(
        reply=done("reply", f"Your reply reached {target.user.display_name}."),
        deliveries=[
            Delivery(live.user_group(target.user_id), to_member, required=True),
            Delivery(live.leaders_group(seat.session.pk), to_leaders),
        ],
    )


def backchannel(seat: Seat, *, text: str) -> Outcome:
    """The leaders' backchannel: a line to the session's other leaders only. Relayed live, never kept anywhere."""
    payload = {
        "type": "backchannel",
        "from_id": seat.user.pk,
        "from": seat.user.display_name,
        "text": text,
        "at": timezone.now().isoformat(),
    }
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
    payload = {"type": "chat_state", "session_id": session.pk, "enabled": enabled}
    message = "The chat is on." if enabled else "The chat is off for everyone."
    return Outcome(reply=done("chat_toggle", message), deliveries=[Delivery(live.session_group(session.pk), payload)])


@transaction.atomic
def remove_from_session(session: GroupSession, member_user, *, actor, reason: str, note: str = "") -> RoomParticipant:
    """Remove a member from this live session: they cannot rejoin it, and safeguarding records the removal
    (its service closes their sockets as soon as this commits)."""
    if reason not in Removal.Reason.values:
        raise ProtocolError("invalid_field", "Please choose a reason for the removal.")
    membership = Membership.objects.filter(group_id=session.group_id, user=member_user).first()
    if membership is None or membership.role != Membership.Role.MEMBER:
        raise ProtocolError("not_found", "Only members of the group can be removed from a session.")
    now = timezone.now()
    participant, _ = RoomParticipant.objects.select_for_update().get_or_create(
        session=session, user=member_user, defaults={"joined_at": now, "left_at": now}
    )
    if participant.removed_at is not None:
        return participant  # another leader got there first
    participant.removed_at = now
    participant.removed_by = actor
    participant.left_at = participant.left_at or now
    participant.stepped_out_at = None
    participant.save(update_fields=["removed_at", "removed_by", "left_at", "stepped_out_at"])
    _lower(RoomAlert.objects.raised_hands().filter(session=session, user=member_user), actor=actor)
    record_removal(session, member_user)
    try:
        remove_member(membership, actor=actor, kind="session", reasons=[reason], note=note, session=session)
    except ValidationError as exc:
        raise ProtocolError("invalid_field", " ".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise ProtocolError("forbidden", str(exc)) from None
    return participant


@transaction.atomic
def remove(seat: Seat, *, user: int, reason: str, note: str = "") -> Outcome:
    target = _participant_in_session(seat.session, user)
    hand_ids = list(
        RoomAlert.objects.raised_hands().filter(session=seat.session, user=target.user).values_list("pk", flat=True)
    )
    participant = remove_from_session(seat.session, target.user, actor=seat.user, reason=reason, note=note)
    participant.user = target.user
    lowered = _alerts_with_people().filter(pk__in=hand_ids)
    return Outcome(
        reply=done(
            "remove", f"{target.user.display_name} has been removed from this session. Safeguarding has a record."
        ),
        deliveries=[_participant_event(participant)] + [_alert_event(hand) for hand in lowered],
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
    to_member = {
        "type": "concern_recorded",
        "session_id": seat.session.pk,
        "message": (
            "A leader has recorded what you shared as a safeguarding concern, so that the charity can support you. "
            "It is kept securely, and someone may talk with you about it privately."
        ),
    }
    return Outcome(
        reply=done("make_concern", "The concern is recorded, and the member has been told."),
        deliveries=[_alert_event(item), Delivery(live.user_group(item.user_id), to_member)],
    )


# --- welfare prompts ---------------------------------------------------------------------------


@transaction.atomic
def welfare_prompts(session: GroupSession) -> list[Delivery]:
    """Prompt the leaders (once per time away) about anyone stepped out longer than the group's threshold."""
    threshold = timezone.now() - timedelta(minutes=session.group.welfare_threshold_minutes)
    prompted = RoomAlert.objects.filter(
        session=session,
        user_id=OuterRef("user_id"),
        kind=RoomAlert.Kind.WELFARE,
        created_at__gte=OuterRef("stepped_out_at"),
    )
    overdue = (
        RoomParticipant.objects.in_room()
        .select_for_update(of=("self",))
        .select_related("user")
        .filter(session=session, stepped_out_at__lte=threshold)
        .exclude(Exists(prompted))
    )
    return [
        _alert_event(RoomAlert.objects.create(session=session, user=p.user, kind=RoomAlert.Kind.WELFARE))
        for p in overdue
    ]


# --- snapshots ---------------------------------------------------------------------------------


def snapshot(session: GroupSession) -> dict:
    """The whole room for a leader's dashboard (on connect, reconnect, or polling while the socket is down).

    Never holds anything anyone wrote: alerts say what happened and when. Five queries.
    """
    # 1: everyone who has been in the room
    participants = list(
        RoomParticipant.objects.filter(session=session).select_related("user").order_by("user__display_name", "user_id")
    )
    seen = {p.user_id for p in participants}
    # 2: the group's active people who have not come in yet
    to_arrive = [
        {"user_id": m.user_id, "name": m.user.display_name, "is_leader": m.role == Membership.Role.LEADER}
        for m in Membership.objects.active()
        .filter(group_id=session.group_id)
        .select_related("user")
        .order_by("user__display_name", "user_id")
        if m.user_id not in seen
    ]
    # 3: the alert inbox, hands in the order they went up ("left" rows say who left without a check-in)
    alerts = list(_alerts_with_people().filter(session=session).order_by("created_at", "id"))
    unchecked = {a.user_id for a in alerts if a.kind == RoomAlert.Kind.LEFT and a.lowered_at is None}
    alerts = [a for a in alerts if a.kind != RoomAlert.Kind.LEFT]
    # 4: camera-off notices (the reasons are for this session's leaders only)
    camera_off = [
        {"user_id": n.user_id, "name": n.user.display_name, "reason": n.reason, "standing": n.standing}
        for n in camera_off_notices_for(session)
    ]
    return {
        "type": "snapshot",
        "session": {
            "id": session.pk,
            "topic": session.topic,
            "status": session.status,
            "chat_enabled": session.chat_enabled,
            "welfare_threshold_minutes": session.group.welfare_threshold_minutes,
        },
        "server_time": timezone.now().isoformat(),
        "participants": [
            participant_payload(p, left_without_check_in=p.status == "left" and p.user_id in unchecked)
            for p in participants
        ],
        "summary": urgent_summary(alerts),
        "to_arrive": to_arrive,
        "alerts": [alert_payload(a) for a in alerts],
        "camera_off": camera_off,
    }


# What needs a leader now comes first on the dashboard, above routine notices (static/js/dashboard.js ranks
# the same way).
URGENT_KINDS = (RoomAlert.Kind.TRIGGERED, RoomAlert.Kind.WELFARE, RoomAlert.Kind.MESSAGE)
SUMMARY_WORDS = {
    "hand": ("hand up", "hands up"),
    "triggered": ("found something triggering", "found something triggering"),
    "welfare": ("out for a while", "out for a while"),
    "contact": ("asked to be contacted", "asked to be contacted"),
    "message": ("private message", "private messages"),
}


def is_urgent(alert: RoomAlert) -> bool:
    """Not yet acknowledged, and about someone's wellbeing: triggering, welfare, a private message, "contact me"."""
    if alert.acknowledged_at or alert.lowered_at or alert.concern_recorded_at:
        return False
    return alert.kind in URGENT_KINDS or (
        alert.kind == RoomAlert.Kind.CHECK_IN and alert.check_in == RoomAlert.CheckIn.CONTACT
    )


def urgent_summary(alerts: list[RoomAlert]) -> str:
    """One short line of what needs the leaders now, e.g. "Needs you now: 2 hands up, 1 found something triggering"."""
    counts: dict[str, int] = {}
    for alert in alerts:
        if alert.kind == RoomAlert.Kind.HAND and alert.lowered_at is None:
            key = "hand"
        elif is_urgent(alert):
            key = "contact" if alert.kind == RoomAlert.Kind.CHECK_IN else alert.kind
        else:
            continue
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "Nothing needs you right now."
    parts = [f"{counts[key]} {words[counts[key] != 1]}" for key, words in SUMMARY_WORDS.items() if key in counts]
    return "Needs you now: " + ", ".join(parts) + "."


def welcome(session: GroupSession, user) -> dict:
    """What a member's room page needs on (re)connecting: their own state. Two queries."""
    participant = RoomParticipant.objects.select_related("user").get(session=session, user=user)
    participant.session = session
    state = member_state(participant, hand_raised=_hand_is_up(participant))
    return {"type": "welcome", "session_id": session.pk, **state}


# --- one entry point for every inbound action ---------------------------------------------------

HANDLERS = {
    "raise_hand": raise_hand,
    "lower_hand": lower_hand,
    "step_out": step_out,
    "back": back,
    "pass": pass_turn,
    "triggered": triggered,
    "message": message_leaders,
    "chat": chat,
    "leave": leave,
    "acknowledge": acknowledge,
    "lower_all_hands": lower_all_hands,
    "reply": reply,
    "backchannel": backchannel,
    "remove": remove,
    "end_session": end,
    "chat_toggle": set_chat,
    "make_concern": make_concern,
}


def perform(session_id: int, user, command: Command) -> Outcome:
    """Re-check the person's place in the room, then carry out one action. Raises RoomRefused or ProtocolError."""
    seat = current_seat(session_id, user)
    # The role is re-read for every action: someone can become (or stop being) a leader mid-session.
    spec = TYPES[command.type]
    if spec.leader_only and not seat.is_leader:
        raise ProtocolError("forbidden", "Only the session's leaders can do that.")
    if spec.member_only and seat.is_leader:
        raise ProtocolError("forbidden", "That button is for members of the group.")
    return HANDLERS[command.type](seat, **command.fields)
