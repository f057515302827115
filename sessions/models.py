from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from groups.models import SupportGroup
from safeguarding.fields import EncryptedTextField


class GroupSessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(ends_at__gt=timezone.now()).exclude(status=GroupSession.Status.CANCELLED)

    def for_member(self, user):
        from groups.models import Membership

        return self.filter(group__memberships__user=user, group__memberships__status=Membership.Status.ACTIVE)


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.topic} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def join_window_opens_at(self):
        return self.starts_at - timedelta(minutes=settings.JOIN_WINDOW_MINUTES_BEFORE)


from sessions.room_models import RoomAlert, RoomConnection, RoomParticipant  # noqa: E402,F401
