"""Session workflows: scheduling, cancelling, opening and ending, the meeting link, attendance and camera-off.

Each function takes keyword-only arguments and an explicit actor, runs in one transaction and writes its
audit entry in that transaction. Emails go out from Celery tasks queued after commit with ids only.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core import live
from core.audit import record
from groups.models import Membership, SupportGroup
from safeguarding.text import required_visible_text
from sessions.models import Attendance, CalendarFeed, CameraOffNotice, GroupSession, JoinToken, hash_token
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


# --- joining and attendance -------------------------------------------------------------------


def join_refusal(session: GroupSession, membership: Membership, *, now: datetime | None = None) -> str | None:
    """Why this person cannot open the meeting now (a kind message), or None when they can.

    Outsiders never get here (the lookup helper gives them 404). Membership status and agreement
    are checked before the session's own window.
    """
    if membership.status == Membership.Status.SUSPENDED:
        return "Your membership of this group is paused at the moment, so you can't join its sessions."
    if membership.status == Membership.Status.REMOVED:
        return "You are not part of this group at the moment, so you can't join its sessions."
    if membership.status != Membership.Status.ACTIVE:
        return "You can join this group's sessions once a leader has welcomed you into the group."
    if not membership.has_agreed_to_current():
        return "Please read and agree to the group's guidelines before joining a session."
    if removed_from_session(session, membership.user_id):
        return "A leader has asked you to leave this session, so you can't rejoin it. Please message the leaders."
    return session.join_refusal(now)


def removed_from_session(session: GroupSession, user_id: int) -> bool:
    """The live room records a removal from one session; that blocks rejoining it through the join page too."""
    from sessions.models import RoomParticipant

    return RoomParticipant.objects.filter(session=session, user_id=user_id, removed_at__isnull=False).exists()


def issue_join_token(session: GroupSession, membership: Membership) -> str:
    """A single-use, minute-long ticket to the meeting for this member. Raises SessionStateError if refused."""
    refusal = join_refusal(session, membership)
    if refusal:
        raise SessionStateError(refusal)
    if not session.has_meeting_link:
        raise SessionStateError("The leaders haven't added the meeting link yet. Please try again in a moment.")
    _, raw = JoinToken.issue(session=session, user=membership.user)
    return raw


def redeem_join_token(session: GroupSession, membership: Membership, raw: str) -> str:
    """Use the ticket once, record attendance and return the meeting link. Raises SessionStateError if refused."""
    with transaction.atomic():
        if not JoinToken.claim(raw, session=session, user=membership.user):
            raise SessionStateError(
                "That link to the meeting has already been used or has expired (it lasts a minute). "
                "Please go back to the session page and join again."
            )
        # Re-checked after the claim: a removal or the end of the session may have happened in between.
        refusal = join_refusal(session, membership)
        if refusal:
            raise SessionStateError(refusal)
        link = session.meeting_link  # a rotation since the ticket was issued deleted the ticket: claim failed
        if not link:
            raise SessionStateError("The leaders haven't added the meeting link yet. Please try again in a moment.")
        record_join(session, membership.user)
    return link


def record_join(session: GroupSession, user) -> Attendance:
    """Note that someone joined; a rejoin keeps the first join time and clears the leave time."""
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                return Attendance.objects.create(session=session, user=user, joined_at=now, last_joined_at=now)
        except IntegrityError:
            pass  # they have been here before (or another tab got there first): update their row
        Attendance.objects.filter(session=session, user=user).update(
            last_joined_at=now, left_at=None, times_joined=F("times_joined") + 1
        )
        return Attendance.objects.get(session=session, user=user)


def record_leave(session: GroupSession, user) -> None:
    """Note that someone left (the live room calls this too). Nothing happens if they were not marked as in."""
    Attendance.objects.filter(session=session, user=user, left_at__isnull=True).update(left_at=timezone.now())


def record_entry(session: GroupSession, user) -> None:
    """Someone came into the room, by whatever route (the join ticket, "Go to the session room", a leader's
    dashboard): make sure the register has them. Coming back after leaving counts as joining again; a
    second tab or a reconnect while they are still in does not."""
    if Attendance.objects.filter(session=session, user=user, left_at__isnull=True).exists():
        return
    record_join(session, user)


def record_removal(session: GroupSession, user) -> None:
    """A leader removed someone from the session: the register shows the removal's own time, marked removed."""
    now = timezone.now()
    Attendance.objects.get_or_create(session=session, user=user, defaults={"joined_at": now, "last_joined_at": now})
    Attendance.objects.filter(session=session, user=user).update(left_at=now, removed_at=now)


# --- camera-off notices -----------------------------------------------------------------------


@transaction.atomic
def give_camera_off_notice(
    membership: Membership, *, session: GroupSession | None, reason: str, standing: bool
) -> CameraOffNotice:
    """Tell the leaders a member will have their camera off. A new notice replaces the one it overlaps."""
    if not standing and session is None:
        raise ValidationError("Choose a session, or make it a standing choice for the group.")
    reason = required_visible_text(reason, what="why you'd like to have your camera off", field="reason")
    user, group = membership.user, membership.group
    live = CameraOffNotice.objects.active().filter(user=user, group=group)
    live = live.filter(standing=True) if standing else live.filter(session=session, standing=False)
    live.update(withdrawn_at=timezone.now())
    return CameraOffNotice.objects.create(
        group=group, user=user, session=None if standing else session, standing=standing, reason=reason
    )


def withdraw_camera_off_notice(notice: CameraOffNotice) -> None:
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["withdrawn_at"])


def camera_off_notices_for(session: GroupSession) -> QuerySet[CameraOffNotice]:
    """Live camera-off notices of active members for this session: its own and the group's standing ones.

    One query, users loaded with it; ordered by name, with a session notice before a standing one.
    """
    return (
        CameraOffNotice.objects.active()
        .filter(Q(session=session) | Q(standing=True, group_id=session.group_id))
        .filter(
            user__memberships__group_id=session.group_id,
            user__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("user__display_name", "user_id", "standing", "-created_at")
    )


def my_camera_off_notices(user, session: GroupSession) -> dict[str, CameraOffNotice | None]:
    """The member's own live notices that apply to this session: {'session': ..., 'standing': ...}."""
    notices = CameraOffNotice.objects.active().filter(
        Q(session=session) | Q(standing=True, group_id=session.group_id), user=user
    )
    found: dict[str, CameraOffNotice | None] = {"session": None, "standing": None}
    for notice in notices:
        found["standing" if notice.standing else "session"] = notice
    return found


# --- calendar feed ----------------------------------------------------------------------------


@transaction.atomic
def new_calendar_feed(user) -> str:
    """Make (or replace) the member's calendar address; returns the raw token, shown once. The old one stops."""
    raw = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_token(raw), "created_at": timezone.now(), "last_used_at": None}
    )
    return raw


def revoke_calendar_feed(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# --- trustees' figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: date
    sessions_run: int
    attendances: int
    people: int
    returning_people: int


def _month_start(day: date, months_back: int) -> date:
    month_index = day.year * 12 + (day.month - 1) - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def monthly_figures(*, months: int = 12, now: datetime | None = None) -> list[MonthFigures]:
    """Sessions run, attendances, people and returning people per month, newest first. No names, only counts.

    A session "ran" when it was not cancelled and its start has passed. A returning person attended in
    the month and also in some earlier month. Months are those of the current time zone.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_month = _month_start(today, months - 1)
    since = timezone.make_aware(datetime.combine(first_month, time.min))

    run = dict(
        GroupSession.objects.not_cancelled()
        .filter(starts_at__gte=since, starts_at__lte=now)
        .annotate(month=TruncMonth("starts_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    came = Attendance.objects.filter(session__starts_at__gte=since).annotate(month=TruncMonth("session__starts_at"))
    per_month = came.values("month").annotate(n=Count("pk"), people=Count("user", distinct=True))
    totals = {row["month"]: row for row in per_month}
    # Who attended which month, and when each of them first came: enough to count returning people.
    month_people = came.values_list("month", "user").distinct()
    first_seen = dict(
        Attendance.objects.filter(user__in=came.values("user"))
        .values_list("user")
        .annotate(first=Min("session__starts_at"))
        .values_list("user", "first")
    )
    returning: dict = {}
    for month, user_id in month_people:
        if first_seen[user_id] < month:
            returning[month] = returning.get(month, 0) + 1

    figures = []
    for back in range(months):
        month_day = _month_start(today, back)
        key = timezone.make_aware(datetime.combine(month_day, time.min))
        total = totals.get(key, {})
        figures.append(
            MonthFigures(
                month=month_day,
                sessions_run=run.get(key, 0),
                attendances=total.get("n", 0),
                people=total.get("people", 0),
                returning_people=returning.get(key, 0),
            )
        )
    return figures
