from django.db import models
from django.utils import timezone


class TaskOutbox(models.Model):
    """A Celery task that could not be queued (broker down); peersupport.outbox.flush queues it later.

    Holds the task's name and its arguments, which are primary keys and codes only, never protected text.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.CharField(max_length=100, blank=True, help_text="The kind of error, never its message.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "task waiting for the broker"
        verbose_name_plural = "tasks waiting for the broker"

    def __str__(self) -> str:
        return f"{self.task_name} (kept {self.created_at:%Y-%m-%d %H:%M})"
