"""Group sessions: scheduling, attendance, camera-off notices, single-use join tokens and reminder claims.

The meeting link and camera-off reasons are protected (encrypted at rest, never in emails, logs or task
arguments). The live room's own models are in sessions/room/models.py, imported at the end of this module.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import EncryptedTextField
from groups.models import SupportGroup

JOIN_TOKEN_LIFETIME = timedelta(seconds=60)


def new_video_room_name() -> str:
    """An unguessable name for a session's video call room: knowing a session's id or topic gives nothing."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """Tokens are stored only as a SHA-256 hash: a database leak gives nobody a usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


class GroupSessionQuerySet(models.QuerySet):
    def upcoming(self):
        """Still to come or happening now: scheduled and not yet over, or open (a leader may run past the end).
        Ended and cancelled sessions never count as coming up, whatever their planned times."""
        return self.filter(
            models.Q(status=GroupSession.Status.SCHEDULED, ends_at__gt=timezone.now())
            | models.Q(status=GroupSession.Status.OPEN)
        )

    def past(self):
        """Everything that is not coming up: over, ended early or cancelled."""
        return self.exclude(
            models.Q(status=GroupSession.Status.SCHEDULED, ends_at__gt=timezone.now())
            | models.Q(status=GroupSession.Status.OPEN)
        )

    def for_member(self, user):
        from groups.models import Membership

        return self.filter(group__memberships__user=user, group__memberships__status=Membership.Status.ACTIVE)

    def not_cancelled(self):
        return self.exclude(status=GroupSession.Status.CANCELLED)

    def without_link(self):
        """For pages and lists: the protected link is never loaded where it is not needed."""
        return self.defer("meeting_link")

    def in_calendar_of(self, user, *, days_back: int = 31):
        """A member's calendar feed: their groups' sessions from a month back on, cancelled ones included
        (marked cancelled, so calendars remove them)."""
        return (
            self.for_member(user)
            .filter(group__is_archived=False, ends_at__gte=timezone.now() - timedelta(days=days_back))
            .only("pk", "topic", "starts_at", "ends_at", "status", "cancelled_at", "created_at")
            .order_by("starts_at")
        )

    def due_reminder(self, kind: str, *, now: datetime | None = None):
        """Sessions whose reminder of this kind should go out now and has not been queued yet."""
        now = now or timezone.now()
        lead, not_after = REMINDER_WINDOWS[kind]
        queued_field = REMINDER_QUEUED_FIELDS[kind]
        return self.filter(
            status__in=[GroupSession.Status.SCHEDULED, GroupSession.Status.OPEN],
            starts_at__gt=now + not_after,
            starts_at__lte=now + lead,
            **{f"{queued_field}__isnull": True},
        )


class GroupSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="sessions")
    topic = models.CharField(max_length=200)
    guest_speaker = models.CharField(max_length=120, blank=True)
    guest_speaker_about = models.CharField("about the guest speaker", max_length=300, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Confidential: encrypted at rest, shown only through the join page, never in emails or logs.
    meeting_link = EncryptedTextField(blank=True)
    meeting_link_changed_at = models.DateTimeField(null=True, blank=True)
    chat_enabled = models.BooleanField(default=True)
    # The video engine's room for this session (sessions/video/): unguessable, never shown to anyone.
    video_room = models.CharField(max_length=64, unique=True, default=new_video_room_name, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    # Sessions made together as a weekly or fortnightly series share this id.
    series_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_message = models.CharField(
        max_length=500,
        blank=True,
        help_text="Sent to members with the cancellation. Please do not include personal details.",
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Claimed with a conditional update by the reminder dispatcher, so each reminder is queued once.
    reminder_24h_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_1h_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.topic} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def can_change(self) -> bool:
        """Scheduled sessions can be edited, cancelled or have their link changed; open ones only their link."""
        return self.status == self.Status.SCHEDULED

    @property
    def has_meeting_link(self) -> bool:
        return bool(self.meeting_link)

    @property
    def join_window_opens_at(self):
        return self.starts_at - timedelta(minutes=settings.JOIN_WINDOW_MINUTES_BEFORE)

    def join_refusal(self, now: datetime | None = None) -> str | None:
        """Why nobody can join right now (kind words for the member), or None when the join window is open.

        The window runs from JOIN_WINDOW_MINUTES_BEFORE the start until the end. A session a leader has
        opened stays joinable past its planned end until they end it: nobody's time is cut short.
        """
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "This session has been cancelled. We're sorry for any disappointment."
        if self.status == self.Status.ENDED:
            return "This session has ended. We hope to see you at the next one."
        if now < self.join_window_opens_at:
            return (
                f"It's a little early: you can join from {settings.JOIN_WINDOW_MINUTES_BEFORE} minutes "
                "before the session starts."
            )
        if now >= self.ends_at and self.status != self.Status.OPEN:
            return "This session has ended. We hope to see you at the next one."
        return None

    def is_joinable(self, now: datetime | None = None) -> bool:
        return self.join_refusal(now) is None


class AttendanceQuerySet(models.QuerySet):
    def for_group(self, group):
        return self.filter(session__group=group)


class Attendance(models.Model):
    """Who came to a session and when. One row per person per session: coming back updates it."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")
    joined_at = models.DateTimeField(default=timezone.now, help_text="When they first joined this session.")
    last_joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, help_text="A leader removed them from this session.")
    times_joined = models.PositiveSmallIntegerField(default=1)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_user_per_session")]
        # The register reads by session (the unique index serves it); a member's history reads by user.
        indexes = [models.Index(fields=["user", "joined_at"], name="attendance_user_history")]

    def __str__(self) -> str:
        return f"{self.user} at session {self.session_id}"


class JoinTokenQuerySet(models.QuerySet):
    def usable(self, *, now: datetime | None = None):
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class JoinToken(models.Model):
    """A per-member, single-use, short-lived ticket from the join page to the meeting. Only its hash is stored."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="join_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = JoinTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"join token for {self.user} at session {self.session_id}"

    @classmethod
    def issue(cls, *, session: GroupSession, user) -> tuple["JoinToken", str]:
        """Make a token; returns it with the raw value, which only ever travels in the member's redirect URL."""
        raw = secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            session=session, user=user, token_hash=hash_token(raw), created_at=now, expires_at=now + JOIN_TOKEN_LIFETIME
        )
        return token, raw

    @classmethod
    def claim(cls, raw: str, *, session: GroupSession, user) -> bool:
        """Use the token once: a conditional update, so two tabs or a replayed URL cannot both succeed."""
        now = timezone.now()
        claimed = (
            cls.objects.usable(now=now)
            .filter(token_hash=hash_token(raw), session=session, user=user)
            .update(used_at=now)
        )
        return claimed == 1


class CameraOffNoticeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class CameraOffNotice(models.Model):
    """A member tells the leaders they will have their camera off, and why: for one session, or standing."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="camera_off_notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="camera_off_notices")
    session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.CASCADE, related_name="camera_off_notices"
    )
    standing = models.BooleanField(default=False, help_text="For every session of the group until withdrawn.")
    # Protected: only the group's leaders read it.
    reason = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = CameraOffNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standing=True, session__isnull=True) | Q(standing=False, session__isnull=False),
                name="camera_off_standing_xor_session",
            ),
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=Q(withdrawn_at__isnull=True, standing=False),
                name="one_live_camera_off_per_user_per_session",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(withdrawn_at__isnull=True, standing=True),
                name="one_live_standing_camera_off_per_user_per_group",
            ),
        ]
        indexes = [models.Index(fields=["group", "withdrawn_at"], name="camera_off_group_live")]

    def __str__(self) -> str:
        scope = "standing" if self.standing else f"session {self.session_id}"
        return f"camera off: {self.user} ({scope})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class SessionEmailSent(models.Model):
    """A claim that one email about one session went to one person: claimed before sending, so never twice."""

    class Kind(models.TextChoices):
        REMINDER_24H = "reminder_24h", "Reminder, 24 hours before"
        REMINDER_1H = "reminder_1h", "Reminder, 1 hour before"
        CANCELLED = "cancelled", "Cancellation"

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="emails_sent")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="one_session_email_per_kind_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user_id} for session {self.session_id}"


# Reminder kind -> (how long before the start it goes out, the latest point before the start it is still useful).
# A session made at short notice gets no "tomorrow" reminder when it starts within two hours.
REMINDER_WINDOWS = {
    SessionEmailSent.Kind.REMINDER_24H: (timedelta(hours=24), timedelta(hours=2)),
    SessionEmailSent.Kind.REMINDER_1H: (timedelta(hours=1), timedelta(0)),
}
REMINDER_QUEUED_FIELDS = {
    SessionEmailSent.Kind.REMINDER_24H: "reminder_24h_queued_at",
    SessionEmailSent.Kind.REMINDER_1H: "reminder_1h_queued_at",
}


class CalendarFeed(models.Model):
    """A member's personal calendar (ICS) address. Only the token's hash is kept; making a new one revokes it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"

    @classmethod
    def find(cls, raw: str) -> "CalendarFeed | None":
        return cls.objects.select_related("user").filter(token_hash=hash_token(raw), user__is_active=True).first()


# The live room's models live with the rest of the room (sessions/room/models.py) but belong to this app:
# Django registers an app's models when it imports `<app>.models`, so they are imported here, by name.
# At the end, because they refer to GroupSession by its string label only and need nothing above loaded.
from sessions.room.models import PrivateWord, RoomAlert, RoomConnection, RoomParticipant  # noqa: E402,F401
