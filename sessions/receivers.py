"""sessions/ reacts to safeguarding through its signals (safeguarding/signals.py): the lower app never imports this one.
And the video call ends when the session does (`session_ended`), so that sessions/services.py need not import
sessions/call.py, which imports it (no circle inside the app: tests/foundation/test_no_import_cycles.py).

Registered by GroupSessionsConfig.ready. Receivers run inside the sender's transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from safeguarding.signals import retention_due, session_removal_made
from sessions import call
from sessions.models import Attendance, GroupSession
from sessions.room.removal import take_out_of_the_room
from sessions.signals import session_ended


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


@receiver(session_ended, sender=GroupSession, dispatch_uid="sessions.end_the_video_call")
def end_the_video_call(sender, *, session, **kwargs) -> None:
    """The video call ends for everyone once the end has committed, after the room's sockets have closed
    (retried by Celery if the engine is away: sessions/call.py)."""
    session_id = session.pk
    transaction.on_commit(lambda: call.end_call(session_id))
