"""What a member can do in the room: raise or lower their hand, step out and come back, pass, say they found
something triggering, message the leaders, chat, and leave with a check-in (or give it after the end).

Each action re-reads the member's seat first (sessions/room/dispatch.py) and returns an Outcome. Text people
write only travels inside the outgoing messages: it is never stored.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core import live
from groups.wordlist import matched_word
from sessions.models import GroupSession
from sessions.room.admission import Seat
from sessions.room.models import RoomAlert, RoomConnection, RoomParticipant
from sessions.room.outcome import (
    Delivery,
    Outcome,
    alert_event,
    lower_hands,
    participant_event,
    self_state_event,
    tell_members_hands_lowered,
)
from sessions.room.presence import mark_left
from sessions.room.protocol import AFTER_END_WORDS, ProtocolError, done, to_browser
from sessions.room.snapshot import hand_is_up, member_state

NO_LEADER = "No leader is connected right now, so your message was not delivered. Please try again in a moment."


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
    deliveries = [alert_event(alert)] if alert else []  # the leaders first: they are who the hand is for
    deliveries.append(self_state_event(participant, state))
    message = "Your hand is raised. The leaders can see it."
    return Outcome(reply=done("raise_hand", message, state=state), deliveries=deliveries)


@transaction.atomic
def lower_hand(seat: Seat, *, user: int | None = None) -> Outcome:
    """A member lowers their own hand; a leader lowers anyone's."""
    target = seat.user.pk if user is None else user
    if target != seat.user.pk and not seat.is_leader:
        raise ProtocolError("forbidden", "Only the session's leaders can lower someone else's hand.")
    if seat.is_leader and user is None:
        raise ProtocolError("invalid_field", "'user' is missing: whose hand should be lowered?")
    hands = RoomAlert.objects.raised_hands().filter(session_id=seat.session.pk, user_id=target)
    lowered = lower_hands(hands, actor=seat.user)
    deliveries = [alert_event(alert) for alert in lowered]
    if seat.is_leader:
        deliveries += tell_members_hands_lowered(seat.session, [a.user_id for a in lowered])
        return Outcome(reply=done("lower_hand", "Hand lowered."), deliveries=deliveries)
    participant = seat.participant
    state = member_state(participant, hand_raised=False)
    deliveries.append(self_state_event(participant, state))
    return Outcome(reply=done("lower_hand", "Your hand is lowered.", state=state), deliveries=deliveries)


@transaction.atomic
def step_out(seat: Seat) -> Outcome:
    participant = _in_room(seat)
    if participant.stepped_out_at is None:
        participant.stepped_out_at = timezone.now()
        participant.save(update_fields=["stepped_out_at"])
    state = member_state(participant, hand_raised=hand_is_up(participant))
    message = "The leaders know you've stepped out. Take the time you need, and press \"I'm back\" when you return."
    return Outcome(
        reply=done("step_out", message, state=state),
        deliveries=[participant_event(participant), self_state_event(participant, state)],
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
    settled = lower_hands(prompts, actor=None)
    state = member_state(participant, hand_raised=hand_is_up(participant))
    return Outcome(
        reply=done("back", "Welcome back. The leaders can see you've returned.", state=state),
        deliveries=[
            participant_event(participant),
            *map(alert_event, settled),
            self_state_event(participant, state),
        ],
    )


@transaction.atomic
def pass_turn(seat: Seat) -> Outcome:
    """'I'd rather not talk today': a quiet note on the roster, never counted or ranked."""
    participant = _in_room(seat)
    if participant.passing_since is None:
        participant.passing_since = timezone.now()
        participant.save(update_fields=["passing_since"])
    state = member_state(participant, hand_raised=hand_is_up(participant))
    message = "That's fine. The leaders know you'd rather not talk today. You're welcome just to listen."
    return Outcome(
        reply=done("pass", message, state=state),
        deliveries=[participant_event(participant), self_state_event(participant, state)],
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
    return Outcome(reply=done("triggered", message), deliveries=[alert_event(alert, text=note or None)])


@transaction.atomic
def message_leaders(seat: Seat, *, text: str) -> Outcome:
    """A private message to every leader of the session (and no one else), relayed live only."""
    participant = _in_room(seat)
    if not _leader_connected(participant.session_id):
        raise ProtocolError("no_leader", NO_LEADER)
    alert = RoomAlert.objects.create(session_id=participant.session_id, user=seat.user, kind=RoomAlert.Kind.MESSAGE)
    return Outcome(
        reply=done("message", "Your message reached the leaders."),
        deliveries=[alert_event(alert, text=text, required=True)],
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
            deliveries=[alert_event(alert, text=text, required=True)],
            undo=_withdraw_alert(alert.pk),
        )
    payload = to_browser(
        "chat",
        **{"from": seat.user.display_name},
        from_handle=chat_handle(session.pk, seat.user.pk),
        is_leader=seat.is_leader,
        text=text,  # relayed live only
        at=timezone.now().isoformat(),
    )
    return Outcome(reply=done("chat", "Sent."), deliveries=[Delivery(live.session_group(session.pk), payload, True)])


@transaction.atomic
def leave(seat: Seat, *, choice: str, note: str = "") -> Outcome:
    """Leaving with a short check-in to the leaders. The note is relayed live, never kept."""
    if choice == "note" and not note:
        raise ProtocolError("invalid_field", "Please write a few words, or choose one of the other options.")
    participant = _in_room(seat)
    outcome = mark_left(participant, check_in=choice, note=note)
    # Close the member's other tabs in this room.
    outcome.deliveries.append(
        Delivery(live.user_group(participant.user_id), to_browser("left", session_id=participant.session_id))
    )
    outcome.reply = done("leave", "Thank you for letting us know. Take good care of yourself.")
    return outcome


# --- after the session has ended ------------------------------------------------------------------

# The choices offered after the end (protocol.AFTER_END_WORDS: no note, since nobody is there to read it).
AFTER_END_CHECK_IN = list(AFTER_END_WORDS.items())


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
