"""The shared records every app writes: the audit trail and the tasks kept while the broker was down.

Both tables kept the names they had before issue 14 moved these models here (db_table): the audit trail's
append-only trigger (safeguarding/migrations/0002) and its hash chain are on `safeguarding_auditevent`.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """The audit trail is append-only: events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def for_subject(self, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(subject_type=ct, subject_id=str(obj.pk))


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit trail. Write with core.audit.record()."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint and DO_NOTHING: the trail must never be touched when a user row goes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=100)
    action = models.CharField(max_length=100, db_index=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "safeguarding_auditevent"
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def subject_type_label(self) -> str:
        return f"{self.subject_type.app_label}.{self.subject_type.model}" if self.subject_type_id else ""


class TaskOutbox(models.Model):
    """A Celery task that could not be queued (broker down); core.outbox.flush queues it later.

    Holds the task's name and its arguments, which are primary keys and codes only, never protected text.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.CharField(max_length=100, blank=True, help_text="The kind of error, never its message.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "peersupport_taskoutbox"
        ordering = ["pk"]
        verbose_name = "task waiting for the broker"
        verbose_name_plural = "tasks waiting for the broker"

    def __str__(self) -> str:
        return f"{self.task_name} (kept {self.created_at:%Y-%m-%d %H:%M})"
