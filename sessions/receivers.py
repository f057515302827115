"""sessions/ reacts to safeguarding through its signals (safeguarding/signals.py): the lower app never imports this one.

Registered by GroupSessionsConfig.ready. Receivers run inside safeguarding's transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver

from safeguarding.signals import retention_due, session_removal_made
from sessions.models import Attendance
from sessions.room.removal import take_out_of_the_room


@receiver(session_removal_made, dispatch_uid="sessions.out_of_the_room")
def out_of_the_room(sender, *, removal, actor, now, **kwargs) -> None:
    """Someone was removed from a session, from wherever (the dashboard, a leader's page, the admin).

    The Removal is the one record that they are removed (RoomParticipant.objects and the seat check ask it); the
    room only updates what it shows: they are out of the room, their hand is down, the register says so, and the
    leaders' dashboards hear it once this commits (safeguarding closes their sockets; sessions/call.py the call).
    """
    take_out_of_the_room(removal.session_id, removal.membership.user_id, actor=actor, now=now)


@receiver(retention_due, dispatch_uid="sessions.purge_old_attendance")
def purge_old_attendance(sender, *, now, **kwargs) -> dict[str, int]:
    """Delete attendance older than RETENTION_ATTENDANCE_DAYS; the count goes into safeguarding's audit entry."""
    cutoff = now - timedelta(days=settings.RETENTION_ATTENDANCE_DAYS)
    _, per_model = Attendance.objects.filter(joined_at__lt=cutoff).delete()
    return {"attendance": per_model.get(Attendance._meta.label, 0)}
