"""What the room does when someone is removed from a session, however the removal was made.

safeguarding's `Removal` is the one record of "removed from this session": it is written by
`safeguarding.removals.remove_member` (the dashboard's socket command and form, and the safeguarding pages, all
call it), and every reader asks it (`Removal.objects.active_for`, or the `removed_from_session` annotation of
`RoomParticipant.objects`). The room keeps no mark of its own. It only updates what it shows, on the signal
`session_removal_made` (sessions/receivers.py): the person is out of the room, their hand is down, the register
marks them removed, and the leaders' dashboards hear it after commit. safeguarding closes the person's sockets
and sessions/call.py takes them out of the video call.
"""

from datetime import datetime

from django.db import transaction

from core import live
from sessions.attendance import record_removal
from sessions.room.models import RoomAlert, RoomParticipant
from sessions.room.outcome import Outcome, alert_event, lower_hands, participant_event


def take_out_of_the_room(session_id: int, user_id: int, *, actor, now: datetime) -> None:
    """Runs inside the removal's transaction; what the leaders are told goes after it commits."""
    participant, _ = (
        RoomParticipant.objects.select_for_update(of=("self",))
        .select_related("user", "session")
        .get_or_create(session_id=session_id, user_id=user_id, defaults={"joined_at": now, "left_at": now})
    )
    if participant.left_at is None or participant.stepped_out_at is not None:
        participant.left_at = participant.left_at or now
        participant.stepped_out_at = None
        participant.save(update_fields=["left_at", "stepped_out_at"])
    hands = lower_hands(RoomAlert.objects.raised_hands().filter(session_id=session_id, user_id=user_id), actor=actor)
    record_removal(participant.session, participant.user)
    outcome = Outcome(reply={}, deliveries=[participant_event(participant)] + [alert_event(hand) for hand in hands])
    transaction.on_commit(lambda: live.deliver(outcome))
