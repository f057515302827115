"""sessions/ reacts to safeguarding through its signals (safeguarding/signals.py): the lower app never imports this one.
And the video call ends when the session does (`session_ended`), so that sessions/services.py need not import
sessions/call.py, which imports it (no circle inside the app: tests/foundation/test_no_import_cycles.py).

Registered by GroupSessionsConfig.ready. Receivers run inside the sender's transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from safeguarding.signals import retention_due, session_removal_lifted, session_removal_made
from sessions import call
from sessions.models import Attendance, GroupSession
from sessions.room.models import RoomParticipant
from sessions.signals import session_ended


@receiver(session_removal_made, dispatch_uid="sessions.mark_removed_in_the_room")
def mark_removed_in_the_room(sender, *, removal, actor, now, **kwargs) -> None:
    """Mark the person removed in the live room's own records (the room may already have done so)."""
    participant, _ = RoomParticipant.objects.select_for_update().get_or_create(
        session_id=removal.session_id,
        user_id=removal.membership.user_id,
        defaults={"joined_at": now, "left_at": now},
    )
    if participant.removed_at is None:
        participant.removed_at, participant.removed_by = now, actor
        participant.left_at = participant.left_at or now
        participant.save(update_fields=["removed_at", "removed_by", "left_at"])


@receiver(session_removal_lifted, dispatch_uid="sessions.allow_back_into_the_room")
def allow_back_into_the_room(sender, *, removal, **kwargs) -> None:
    """Clear the live room's "removed from this session" mark so they can rejoin."""
    RoomParticipant.objects.filter(session_id=removal.session_id, user_id=removal.membership.user_id).update(
        removed_at=None
    )


@receiver(retention_due, dispatch_uid="sessions.purge_old_attendance")
def purge_old_attendance(sender, *, now, **kwargs) -> dict[str, int]:
    """Delete attendance older than RETENTION_ATTENDANCE_DAYS; the count goes into safeguarding's audit entry."""
    cutoff = now - timedelta(days=settings.RETENTION_ATTENDANCE_DAYS)
    _, per_model = Attendance.objects.filter(joined_at__lt=cutoff).delete()
    return {"attendance": per_model.get(Attendance._meta.label, 0)}


@receiver(session_ended, sender=GroupSession, dispatch_uid="sessions.end_the_video_call")
def end_the_video_call(sender, *, session, **kwargs) -> None:
    """The video call ends for everyone once the end has committed, after the room's sockets have closed
    (retried by Celery if the engine is away: sessions/call.py)."""
    session_id = session.pk
    transaction.on_commit(lambda: call.end_call(session_id))
