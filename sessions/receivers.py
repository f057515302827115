"""sessions/ reacts to safeguarding through its signals (safeguarding/signals.py): the lower app never imports this one.

Registered by GroupSessionsConfig.ready. Receivers run inside safeguarding's transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver

from safeguarding.signals import retention_due, session_removal_lifted, session_removal_made
from sessions.models import Attendance
from sessions.room.models import RoomParticipant


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
