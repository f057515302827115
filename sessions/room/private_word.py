"""A word in private: a leader takes one member aside into a second, two-person call, and both come back.

- Only where the engine can hold a second room and take people out of it on the server (the provider's
  `private_rooms`: LiveKit). With the plain link or Jitsi the dashboard does not offer it.
- A leader invites a member who is in the room (and let into the call); the member accepts or says "not now".
  On accept, both pages leave the group call and ask `private_credential_for` for a token to the private room:
  a room named at random for this one private word (PrivateWord.room, never derived from ids), minted for those
  two only, after the same checks as the group call's (the member not removed and still in the room, the
  leader still a leader of the group), with the same grants (no record, no admin, no data channel).
- Either of the two ends it; the engine's private room is closed (DeleteRoom) and both pages rejoin the group
  call with a fresh group credential. The other leaders see who is with whom, never anything said.
- A removal of the member during it takes them out of the private room as well (RemoveParticipant, then the
  room is closed); ending the session ends every private word and its room.
- Audited as events (sessions.private_word.invited / started / ended), with ids and how it ended only.
"""

import logging

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from core import live
from core.audit import record
from safeguarding.models import Removal
from sessions.camera_off_notices import my_camera_off_notices
from sessions.models import GroupSession
from sessions.room.admission import RoomRefused, Seat, current_seat, get_room_for_user
from sessions.room.leader_actions import participant_in_session
from sessions.room.models import PrivateWord
from sessions.room.outcome import Delivery, Outcome
from sessions.room.protocol import ProtocolError, done, to_browser
from sessions.signals import session_ended
from sessions.video import Caller, VideoUnreachable, identity_for, provider

logger = logging.getLogger(__name__)

# Engines whose server holds a second room and takes people out of it (sessions/video/).
RETRY_DELAYS = (5, 15, 30, 60, 120, 300)

NOT_OFFERED = "A word in private needs the call inside this site; this group's call is on another site."
BACK_TO_GROUP = "The private word has ended. You're back with the group."


def offered() -> bool:
    return provider().private_rooms


# --- what the pages see ------------------------------------------------------------------------------


def word_payload(word: PrivateWord) -> dict:
    """Who is with whom, and how far it has gone: never anything said."""
    return {
        "id": word.pk,
        "state": word.state,
        "leader_id": word.leader_id,
        "leader": word.leader.display_name,
        "member_id": word.member_id,
        "member": word.member.display_name,
    }


def _leaders_event(word: PrivateWord) -> Delivery:
    return Delivery(live.leaders_group(word.session_id), to_browser("private_word", word=word_payload(word)))


def _to(user_id: int, type_: str, word: PrivateWord, **fields) -> Delivery:
    return Delivery(live.user_group(user_id), to_browser(type_, session_id=word.session_id, word=word.pk, **fields))


def current_words(session_id: int, user, *, is_leader: bool) -> list[dict]:
    """The private words a page should show now: every current one for a leader, a member's own for a member."""
    words = PrivateWord.objects.current().filter(session_id=session_id).select_related("leader", "member")
    if not is_leader:
        words = words.filter(member=user)
    return [word_payload(word) for word in words.order_by("invited_at", "pk")]


def _word_of(seat: Seat) -> PrivateWord:
    """The current private word the person acting is one of the two of (locked: one answer wins)."""
    word = (
        PrivateWord.objects.current()
        .filter(session=seat.session)
        .filter(Q(leader=seat.user) | Q(member=seat.user))
        .select_related("leader", "member")
        .select_for_update(of=("self",))
        .first()
    )
    if word is None:
        raise ProtocolError("not_found", "There is no private word for you just now.")
    return word


def _finish(word: PrivateWord, ending: str, *, actor) -> None:
    word.ended_at, word.ending = timezone.now(), ending
    word.save(update_fields=["ended_at", "ending"])
    record(
        "sessions.private_word.ended",
        actor=actor,
        subject=word,
        data={"session": word.session_id, "member": word.member_id, "leader": word.leader_id, "ending": ending},
    )


# --- the room's actions ------------------------------------------------------------------------------


@transaction.atomic
def invite(seat: Seat, *, user: int) -> Outcome:
    """A leader asks one member in the call for a word in private."""
    if not offered():
        raise ProtocolError("not_embedded", NOT_OFFERED)
    member = participant_in_session(seat.session, user)
    name = member.user.display_name
    if member.is_leader:
        raise ProtocolError("invalid_field", "A word in private is with a member of the group.")
    if member.is_removed or member.left_at:
        raise ProtocolError("not_in_room", f"{name} isn't in the room now.")
    if seat.session.group.waiting_room and member.admitted_at is None:
        raise ProtocolError("waiting", f"{name} is still waiting to join the call.")
    try:
        with transaction.atomic():
            word = PrivateWord.objects.create(session=seat.session, leader=seat.user, member=member.user)
    except IntegrityError:
        raise ProtocolError("busy", f"You or {name} are already in a private word. End that one first.") from None
    word.leader, word.member = seat.user, member.user
    record(
        "sessions.private_word.invited",
        actor=seat.user,
        subject=word,
        data={"session": word.session_id, "member": word.member_id, "leader": word.leader_id},
    )
    leader = seat.user.display_name
    return Outcome(
        reply=done("private_word_invite", f"{name} has been asked. You'll see here when they answer."),
        deliveries=[
            _to(
                word.member_id,
                "private_word_invited",
                word,
                leader=leader,
                message=f"{leader} would like a word in private.",
            ),
            _leaders_event(word),
        ],
    )


@transaction.atomic
def accept(seat: Seat) -> Outcome:
    """The member says yes: both leave the group call for the private room."""
    word = _word_of(seat)
    if word.member_id != seat.user.pk:
        raise ProtocolError("forbidden", "Only the member who was asked can answer.")
    if word.started_at:
        return Outcome(reply=done("private_word_accept", "You're in the private word."))
    if seat.participant.left_at:
        raise ProtocolError("not_in_room", "You have left the room. Open the room page again to come back in.")
    try:  # the leader who asked must still be in the room, and still a leader of the group
        leader_seat = current_seat(seat.session.pk, word.leader)
        if not leader_seat.is_leader or leader_seat.participant.left_at:
            raise RoomRefused("forbidden", "")
    except RoomRefused:
        _finish(word, PrivateWord.Ending.LEFT, actor=seat.user)
        return Outcome(
            reply=done(
                "private_word_accept", f"{word.leader.display_name} isn't in the room now, so you stay with the group."
            ),
            deliveries=[_leaders_event(word)],
        )
    word.started_at = timezone.now()
    word.save(update_fields=["started_at"])
    record(
        "sessions.private_word.started",
        actor=seat.user,
        subject=word,
        data={"session": word.session_id, "member": word.member_id, "leader": word.leader_id},
    )
    leader, member = word.leader.display_name, word.member.display_name
    return Outcome(
        reply=done("private_word_accept", f"Joining {leader} in private…"),
        deliveries=[
            _to(word.member_id, "private_word_started", word, message=f"You're in a private word with {leader}."),
            _to(word.leader_id, "private_word_started", word, message=f"You're in a private word with {member}."),
            _leaders_event(word),
        ],
    )


@transaction.atomic
def decline(seat: Seat) -> Outcome:
    """'Not now': the member stays in the group call, and the leader is told kindly."""
    word = _word_of(seat)
    if word.member_id != seat.user.pk or word.started_at:
        raise ProtocolError("not_found", "There is no invitation to answer just now.")
    _finish(word, PrivateWord.Ending.DECLINED, actor=seat.user)
    member = word.member.display_name
    return Outcome(
        reply=done("private_word_decline", "That's fine. You stay with the group."),
        deliveries=[
            _to(word.member_id, "private_word_ended", word, message="That's fine. You stay with the group."),
            _to(word.leader_id, "private_word_ended", word, message=f"{member} would rather not just now."),
            _leaders_event(word),
        ],
    )


def end(seat: Seat) -> Outcome:
    """Either of the two ends it (a leader can also withdraw an invitation): both go back to the group call."""
    with transaction.atomic():
        word = _word_of(seat)
        _finish(word, PrivateWord.Ending.ENDED, actor=seat.user)
        if word.started_at:
            word_id = word.pk
            transaction.on_commit(lambda: close_private_room(word_id))
    message = BACK_TO_GROUP if word.started_at else "The invitation for a word in private was withdrawn."
    return Outcome(
        reply=done("private_word_end", message),
        deliveries=[
            _to(word.member_id, "private_word_ended", word, message=message),
            _to(word.leader_id, "private_word_ended", word, message=message),
            _leaders_event(word),
        ],
    )


HANDLERS = {
    "private_word_invite": invite,
    "private_word_accept": accept,
    "private_word_decline": decline,
    "private_word_end": end,
}


# --- the private room's credential ---------------------------------------------------------------------


def private_credential_for(user, session_id: int) -> dict:
    """A token to the private room, for one of its two people only, after the group call's checks. RoomRefused."""
    session, _ = get_room_for_user(user, session_id)  # 404 / PermissionDenied (removed) / RoomNotOpen: first
    if not offered():
        raise RoomRefused("not_embedded", NOT_OFFERED)
    seat = current_seat(session_id, user)
    if seat.participant.left_at is not None:
        raise RoomRefused("not_in_room", "Please open the room page to come in.")
    word = (
        PrivateWord.objects.current()
        .filter(session_id=session_id, started_at__isnull=False)
        .filter(Q(leader=user) | Q(member=user))
        .first()
    )
    if word is None:
        raise RoomRefused("no_private_word", "There is no private word for you just now.")
    if word.leader_id == user.pk and not seat.is_leader:
        raise RoomRefused("forbidden", "Only the group's leaders can hold a word in private.")
    if word.member_id == user.pk and seat.is_leader:
        raise RoomRefused("forbidden", "A word in private is with a member of the group.")
    camera_off = not seat.is_leader and any(my_camera_off_notices(user, session).values())
    caller = Caller(
        session_id=session.pk,
        room=word.room,
        user_id=user.pk,
        name=user.display_name,
        is_leader=seat.is_leader,
        camera_off=camera_off,
    )
    credential = provider().mint(caller)
    # Read by static/js/call.js like the group call's credential (sessions/call_views.py).
    return {
        "type": "call_credential",
        **credential,
        "identity": identity_for(session.pk, user.pk),
        "name": user.display_name,
        "is_leader": seat.is_leader,
        "camera_off": camera_off,
    }


# --- on the engine: removal, the end of the session ----------------------------------------------------


def close_private_room(word_id: int, *, member_out: bool = False) -> None:
    """Close a private word's room on the engine (taking the member out first, after a removal); retried."""
    try:
        _close(word_id, member_out=member_out)
    except VideoUnreachable:
        logger.warning("video: a private word's room (word %s) could not be reached; retrying", word_id)
        _queue(retry_private_room, word_id, member_out)


def _close(word_id: int, *, member_out: bool) -> None:
    video = provider()
    if not video.reaches_call:
        return
    word = PrivateWord.objects.only("room", "session_id", "member_id").get(pk=word_id)
    if member_out:
        video.remove(room=word.room, identity=identity_for(word.session_id, word.member_id))
    video.end(room=word.room)


@receiver(post_save, sender=Removal, dispatch_uid="sessions.private_word.removal_ends_it")
def removal_ends_private_words(sender, instance: Removal, created: bool, **kwargs) -> None:
    """A member removed during a private word leaves it, on our side now and on the engine once this commits."""
    if not created:
        return
    membership = instance.membership
    words = PrivateWord.objects.current().filter(member_id=membership.user_id)
    if instance.kind == Removal.Kind.SESSION:
        words = words.filter(session_id=instance.session_id)
    else:
        words = words.filter(session__group_id=membership.group_id, session__status=GroupSession.Status.OPEN)
    # Its own atomic block: a Removal saved outside a transaction (a test, a shell) must not break the lock.
    with transaction.atomic():
        for word in words.select_related("leader", "member").select_for_update(of=("self",)):
            _end_for_removal(word, actor=instance.decided_by)


def _end_for_removal(word: PrivateWord, *, actor) -> None:
    _finish(word, PrivateWord.Ending.REMOVED, actor=actor)
    told = [
        _to(
            word.leader_id,
            "private_word_ended",
            word,
            message=f"{word.member.display_name} has left the private word.",
        ),
        _leaders_event(word),
    ]
    transaction.on_commit(lambda told=told: [live.send(d.group, d.payload) for d in told])
    if word.started_at:
        transaction.on_commit(lambda word_id=word.pk: close_private_room(word_id, member_out=True))


@receiver(session_ended, dispatch_uid="sessions.private_word.session_end_ends_them")
def session_end_ends_private_words(sender, *, session, actor, **kwargs) -> None:
    """Ending the session ends every private word in it, and closes their rooms once that commits."""
    for word in PrivateWord.objects.current().filter(session=session).select_for_update():
        _finish(word, PrivateWord.Ending.SESSION_ENDED, actor=actor)
        if word.started_at:
            transaction.on_commit(lambda word_id=word.pk: close_private_room(word_id))


def _queue(task, *args) -> None:
    from sessions.call import _queue as queue_retry  # the group call's retry rules, in one place

    queue_retry(task, *args)


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), acks_late=True)
def retry_private_room(self, word_id: int, member_out: bool) -> None:
    """Keep trying to close a private word's room (and first take a removed member out of it)."""
    try:
        _close(word_id, member_out=member_out)
    except VideoUnreachable as exc:
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]) from None
