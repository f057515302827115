"""Coming into the room and going out of it: the page or socket that opens it, heartbeats, the last socket
closing, and the welfare prompts about anyone stepped out longer than the group's threshold.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from groups.models import Membership
from sessions.attendance import record_entry, record_leave
from sessions.models import GroupSession
from sessions.room.admission import Seat
from sessions.room.models import RoomAlert, RoomConnection, RoomParticipant
from sessions.room.outcome import Delivery, Outcome, alert_event, lower_hands, participant_event
from sessions.room.protocol import to_browser
from sessions.room.snapshot import snapshot


def enter(session: GroupSession, membership: Membership, *, channel_name: str | None = None) -> Outcome:
    """The person opened the room (page or socket): they are present. Idempotent across tabs and processes."""
    return arrive(session, membership, channel_name=channel_name)[1]


@transaction.atomic
def arrive(
    session: GroupSession, membership: Membership, *, channel_name: str | None = None
) -> tuple[RoomParticipant, Outcome]:
    """`enter`, and their place in the room as it now is (with its session and user), for the welcome."""
    user = membership.user
    now = timezone.now()
    # Without a waiting room everyone may join the call at once: "let in" on arrival, so that the leaders' list
    # of who is waiting (and its sound, static/js/call-sound.js) and a word in private see them as in.
    admitted_at = None if session.group.waiting_room else now
    participant, created = RoomParticipant.objects.select_for_update().get_or_create(
        session=session,
        user=user,
        defaults={"is_leader": membership.is_leader, "joined_at": now, "admitted_at": admitted_at},
    )
    participant.session = session
    participant.user = user  # same row: the roster's payload and the welcome read it
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
        # A channel name is new with every socket (only the socket that has it enters with it), so there is no
        # row to update: one INSERT, where update_or_create cost four round trips (savepoint, lock, insert).
        RoomConnection.objects.create(participant=participant, channel_name=channel_name, opened_at=now, seen_at=now)
    deliveries = [participant_event(participant)] if created or returning or channel_name else []
    return participant, Outcome(reply={}, deliveries=deliveries)  # nothing to answer: the page or socket says welcome


def heartbeat(seat: Seat, *, channel_name: str) -> Outcome:
    """A socket is still alive. Leaders' heartbeats also look for anyone stepped out too long, and bring the
    dashboard the whole room again: with the pub/sub channel layer, a message published while a process was
    reconnecting to Redis is lost without an error, so a dashboard is never more than one heartbeat behind."""
    RoomConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())
    if not seat.is_leader:
        return Outcome(reply=to_browser("pong"))
    deliveries = welfare_prompts(seat.session)
    return Outcome(reply=to_browser("pong", snapshot=snapshot(seat.session)), deliveries=deliveries)


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
    if participant is None or participant.left_at or participant.is_removed:
        return Outcome(reply={})
    connections = RoomConnection.objects.filter(participant=participant)
    connections.exclude(pk__in=connections.live().values("pk")).delete()  # left behind by a crashed process
    if connections.exists():
        return Outcome(reply={})
    return mark_left(participant, check_in=None)


def mark_left(participant: RoomParticipant, *, check_in: str | None, note: str = "") -> Outcome:
    """They have left: with a check-in (from `leave`), or without one (their last socket closed)."""
    now = timezone.now()
    participant.left_at = now
    participant.stepped_out_at = None
    participant.save(update_fields=["left_at", "stepped_out_at"])
    hands = RoomAlert.objects.raised_hands().filter(session_id=participant.session_id, user_id=participant.user_id)
    record_leave(participant.session, participant.user)
    unchecked = not participant.is_leader and not check_in
    deliveries = [participant_event(participant, left_without_check_in=unchecked)]
    deliveries += [alert_event(hand) for hand in lower_hands(hands, actor=None)]
    if check_in and not participant.is_leader:
        alert = RoomAlert.objects.create(
            session_id=participant.session_id,
            user=participant.user,
            kind=RoomAlert.Kind.CHECK_IN,
            check_in=check_in,
            had_note=bool(note),
        )
        deliveries.append(alert_event(alert, text=note or None))
    elif unchecked:
        # Kept for the follow-ups made when the session ends; shown on the roster only (a reload or a flaky
        # phone would otherwise pile up cards in the leaders' inbox).
        RoomAlert.objects.create(session_id=participant.session_id, user=participant.user, kind=RoomAlert.Kind.LEFT)
    return Outcome(reply={}, deliveries=deliveries)


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
        alert_event(RoomAlert.objects.create(session=session, user=p.user, kind=RoomAlert.Kind.WELFARE))
        for p in overdue
    ]
