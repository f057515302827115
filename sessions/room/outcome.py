"""What a room action produces: the messages to deliver once its transaction has committed, and the answer.

Each action writes the room's state in one transaction and returns an `Outcome`; the consumer (or a view,
through core/live.py) delivers its messages after commit. Text people write only ever travels inside
these messages; it is never written to the database, cache or logs. The messages several actions send
(someone's place on the roster, an alert, a member's own state) are built here, through the protocol.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from core import live
from sessions.models import GroupSession
from sessions.room.models import RoomAlert, RoomParticipant
from sessions.room.protocol import to_browser
from sessions.room.snapshot import alert_payload, alerts_with_people, participant_payload

NOT_DELIVERED = "Sorry, that could not be delivered just now, and it has not been kept anywhere. Please try again."


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


def participant_event(participant: RoomParticipant, *, left_without_check_in: bool = False) -> Delivery:
    """Someone's place on the roster changed: the leaders' dashboards get their row again."""
    payload = participant_payload(participant, left_without_check_in=left_without_check_in)
    return Delivery(live.leaders_group(participant.session_id), to_browser("participant", participant=payload))


def alert_event(alert: RoomAlert, *, text: str | None = None, required: bool = False) -> Delivery:
    """An alert in the leaders' inbox, new or changed; `text` is relayed live only, never stored, never logged."""
    extra = {"text": text} if text else {}
    payload = to_browser("alert", alert=alert_payload(alert), **extra)
    return Delivery(live.leaders_group(alert.session_id), payload, required=required)


def self_state_event(participant: RoomParticipant, state: dict) -> Delivery:
    """Keeps the member's other tabs in step."""
    return Delivery(
        live.user_group(participant.user_id), to_browser("state", session_id=participant.session_id, **state)
    )


def lower_hands(alerts, *, actor) -> list[RoomAlert]:
    """Lower the given hands, returning them as they are now (for the leaders' inbox)."""
    now = timezone.now()
    ids = list(alerts.select_for_update().values_list("pk", flat=True))
    RoomAlert.objects.filter(pk__in=ids, lowered_at__isnull=True).update(lowered_at=now, lowered_by=actor)
    return list(alerts_with_people().filter(pk__in=ids))


def tell_members_hands_lowered(session: GroupSession, user_ids: list[int]) -> list[Delivery]:
    """Each member whose hand a leader lowered hears it on their own page."""
    return [
        Delivery(
            live.user_group(user_id),
            to_browser("state", session_id=session.pk, hand_raised=False, message="A leader has lowered your hand."),
        )
        for user_id in user_ids
    ]
