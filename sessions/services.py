"""Session workflows: scheduling, cancelling, opening and ending, the meeting link, and the trustees' figures.

Joining and the register are in sessions/attendance.py, camera-off notices in sessions/camera_off_notices.py and
the calendar address in sessions/calendar_feeds.py.

Each function takes keyword-only arguments and an explicit actor, runs in one transaction and writes its
audit entry in that transaction. Emails go out from Celery tasks queued after commit with ids only.
"""

import uuid
from datetime import datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import live
from core.audit import record
from groups.models import SupportGroup
from sessions.models import Attendance, GroupSession, JoinToken
from sessions.signals import session_ended

SERIES_EVERY = {"weekly": timedelta(weeks=1), "fortnightly": timedelta(weeks=2)}
MAX_SERIES_COUNT = 26


class SessionStateError(Exception):
    """The session is not in a state that allows this (e.g. cancelling an ended session). Kind message."""


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError("A session must end after it starts.")


@transaction.atomic
def create_session(
    group: SupportGroup,
    *,
    actor,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    guest_speaker: str = "",
    guest_speaker_about: str = "",
    meeting_link: str = "",
    chat_enabled: bool = True,
    series_id: uuid.UUID | None = None,
) -> GroupSession:
    """Schedule one session."""
    _check_times(starts_at, ends_at)
    now = timezone.now()
    session = GroupSession.objects.create(
        group=group,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        guest_speaker=guest_speaker,
        guest_speaker_about=guest_speaker_about,
        meeting_link=meeting_link,
        meeting_link_changed_at=now if meeting_link else None,
        chat_enabled=chat_enabled,
        created_by=actor,
        created_at=now,
        series_id=series_id,
    )
    record(
        "sessions.session.created",
        actor=actor,
        subject=session,
        data={"group_id": group.pk, "series_id": series_id, "has_meeting_link": bool(meeting_link)},
    )
    return session


def series_start_times(first_start: datetime, *, every: str, count: int) -> list[datetime]:
    """Start times that keep the same local wall-clock time across daylight-saving changes.

    Aware datetimes with a zoneinfo tzinfo add timedeltas in wall-clock time, so 7 pm stays 7 pm in
    the current time zone (the leader's, activated by the middleware).
    """
    if every not in SERIES_EVERY:
        raise ValidationError(f"Repeat must be one of: {', '.join(SERIES_EVERY)}.")
    if not 2 <= count <= MAX_SERIES_COUNT:
        raise ValidationError(f"A series has between 2 and {MAX_SERIES_COUNT} sessions.")
    step = SERIES_EVERY[every]
    if timezone.is_naive(first_start):
        first_start = timezone.make_aware(first_start)
    local_first = timezone.localtime(first_start)
    return [local_first + step * n for n in range(count)]


@transaction.atomic
def create_series(
    group: SupportGroup,
    *,
    actor,
    first_start: datetime,
    length: timedelta,
    every: Literal["weekly", "fortnightly"],
    count: int,
    topic: str,
    guest_speaker: str = "",
    guest_speaker_about: str = "",
    meeting_link: str = "",
    chat_enabled: bool = True,
) -> list[GroupSession]:
    """Schedule a weekly or fortnightly series; the sessions share a series id and can be edited one by one."""
    if length <= timedelta(0):
        raise ValidationError("A session must end after it starts.")
    series_id = uuid.uuid4()
    sessions = [
        create_session(
            group,
            actor=actor,
            topic=topic,
            starts_at=start,
            ends_at=start + length,
            guest_speaker=guest_speaker,
            guest_speaker_about=guest_speaker_about,
            meeting_link=meeting_link,
            chat_enabled=chat_enabled,
            series_id=series_id,
        )
        for start in series_start_times(first_start, every=every, count=count)
    ]
    record(
        "sessions.series.created",
        actor=actor,
        subject=group,
        data={"series_id": series_id, "every": every, "count": count, "session_ids": [s.pk for s in sessions]},
    )
    return sessions


def _locked(session: GroupSession) -> GroupSession:
    return GroupSession.objects.select_for_update().get(pk=session.pk)


def _clear_reminder_claims(session: GroupSession) -> list[str]:
    """A new start time needs new reminders: forget what was queued and sent for the old time."""
    session.reminder_24h_queued_at = None
    session.reminder_1h_queued_at = None
    session.emails_sent.exclude(kind="cancelled").delete()
    return ["reminder_24h_queued_at", "reminder_1h_queued_at"]


@transaction.atomic
def update_session(
    session: GroupSession,
    *,
    actor,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    guest_speaker: str = "",
    guest_speaker_about: str = "",
    chat_enabled: bool = True,
) -> GroupSession:
    """Change a scheduled session's details (not its link: see rotate_meeting_link)."""
    _check_times(starts_at, ends_at)
    locked = _locked(session)
    if not locked.can_change:
        raise SessionStateError("Only sessions that haven't started yet can be changed.")
    new_values = {
        "topic": topic,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "guest_speaker": guest_speaker,
        "guest_speaker_about": guest_speaker_about,
        "chat_enabled": chat_enabled,
    }
    changed = [name for name, value in new_values.items() if getattr(locked, name) != value]
    fields = list(changed)
    if "starts_at" in changed:
        fields += _clear_reminder_claims(locked)
    for name, value in new_values.items():
        setattr(locked, name, value)
    if fields:
        locked.save(update_fields=fields)
    record("sessions.session.updated", actor=actor, subject=locked, data={"changed": changed})
    return locked


@transaction.atomic
def cancel_session(session: GroupSession, *, actor, message: str = "") -> GroupSession:
    """Cancel a scheduled session; every active member is emailed (after commit, by a task with the id)."""
    from sessions.tasks import send_cancellation_emails

    locked = _locked(session)
    if not locked.can_change:
        raise SessionStateError("Only sessions that haven't started yet can be cancelled.")
    locked.status = GroupSession.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancellation_message = message.strip()
    locked.save(update_fields=["status", "cancelled_at", "cancellation_message"])
    JoinToken.objects.filter(session=locked, used_at__isnull=True).delete()
    record("sessions.session.cancelled", actor=actor, subject=locked, data={"with_message": bool(message.strip())})
    send_cancellation_emails.delay_on_commit(locked.pk)
    return locked


@transaction.atomic
def open_session(session: GroupSession, *, actor) -> GroupSession:
    """Open the session's room (the meeting link works in its join window whether or not it is open)."""
    locked = _locked(session)
    if locked.status != GroupSession.Status.SCHEDULED:
        raise SessionStateError("Only a scheduled session can be opened.")
    locked.status = GroupSession.Status.OPEN
    locked.opened_at = timezone.now()
    locked.save(update_fields=["status", "opened_at"])
    record("sessions.session.opened", actor=actor, subject=locked)
    return locked


@transaction.atomic
def end_session(session: GroupSession, *, actor) -> GroupSession:
    """End the session for everyone: close the live room's sockets after commit, close open attendance."""
    locked = _locked(session)
    if locked.status not in (GroupSession.Status.SCHEDULED, GroupSession.Status.OPEN):
        raise SessionStateError("This session has already ended or was cancelled.")
    now = timezone.now()
    locked.status = GroupSession.Status.ENDED
    locked.ended_at = now
    locked.save(update_fields=["status", "ended_at"])
    Attendance.objects.filter(session=locked, left_at__isnull=True).update(left_at=now)
    JoinToken.objects.filter(session=locked, used_at__isnull=True).delete()
    # Whoever is still in the room leaves with the session, not "without a check-in": they are offered the
    # leaving check-in after the end instead (sessions/room/views.py: room_left). Marked here, before the
    # sockets close, so the closing sockets find them already gone and raise no "left" alert.
    from sessions.room.models import RoomParticipant

    in_room = RoomParticipant.objects.in_room().filter(session=locked)
    in_room.filter(stepped_out_at__isnull=False).update(stepped_out_at_end=True)
    in_room.update(left_at=now, left_when_ended=True)
    record("sessions.session.ended", actor=actor, subject=locked)
    session_id = locked.pk
    transaction.on_commit(lambda: _close_live_room(session_id))
    session_ended.send(sender=GroupSession, session=locked, actor=actor)
    return locked


def _close_live_room(session_id: int) -> None:
    """The live room's sockets close (core/live.py); the video call ends on `session_ended` (sessions/receivers.py)."""
    live.close_session_sockets(session_id)


@transaction.atomic
def rotate_meeting_link(session: GroupSession, *, actor, new_link: str) -> GroupSession:
    """Set or replace the meeting link. The old one is gone at once; the audit entry never holds either."""
    locked = _locked(session)
    if locked.status not in (GroupSession.Status.SCHEDULED, GroupSession.Status.OPEN):
        raise SessionStateError("The link can only be changed before or during the session.")
    had_link = bool(locked.meeting_link)
    locked.meeting_link = new_link.strip()
    locked.meeting_link_changed_at = timezone.now()
    locked.save(update_fields=["meeting_link", "meeting_link_changed_at"])
    # Tickets issued for the old link must not open anything now.
    JoinToken.objects.filter(session=locked, used_at__isnull=True).delete()
    record(
        "sessions.meeting_link.rotated",
        actor=actor,
        subject=locked,
        data={"had_link": had_link, "has_link": bool(locked.meeting_link)},
    )
    return locked
