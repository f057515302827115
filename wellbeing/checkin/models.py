"""The check-in's records: which groups ask, who asked not to be asked, and each member's monthly answers.

The answers are the member's own protected data: encrypted at rest (one EncryptedTextField holding the four
numbers as JSON), in their data export, deleted with their account (CASCADE; peersupport/gdpr.py). A skip is
a row too, so a skipped month is never asked again.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.fields import EncryptedTextField
from wellbeing.checkin.questions import QUESTIONS


class GroupCheckIn(models.Model):
    """A group's choice to ask its members the monthly check-in. No row: the group does not ask (the default)."""

    group = models.OneToOneField(
        "groups.SupportGroup", primary_key=True, on_delete=models.CASCADE, related_name="wellbeing_check_in"
    )
    asks = models.BooleanField(
        "ask the monthly wellbeing check-in",
        default=False,
        help_text="Members are offered the four ONS wellbeing questions before their first session each month. "
        "They can skip it, or switch it off for themselves.",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "group's wellbeing check-in"

    def __str__(self) -> str:
        return f"wellbeing check-in for {self.group}"

    def audit_label(self) -> str:
        return f"wellbeing check-in of group #{self.group_id}"

    @classmethod
    def asks_for(cls, group) -> bool:
        return cls.objects.filter(group=group, asks=True).exists()


class CheckInOptOut(models.Model):
    """A member asked never to be offered the check-in (in any group) until they switch it back on."""

    # Named relations (not "+"): erasure finds what goes with an account through the user's visible relations.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_check_in_switched_off"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"check-in switched off #{self.pk}"


class CheckInAnswerQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(skipped=False)


class CheckInAnswer(models.Model):
    """One member's check-in for one group and calendar month: their answers, or that they skipped it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_check_ins")
    group = models.ForeignKey("groups.SupportGroup", on_delete=models.CASCADE, related_name="wellbeing_check_ins")
    session = models.ForeignKey(
        "group_sessions.GroupSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    month = models.DateField(help_text="The first day of the calendar month the check-in is for.")
    skipped = models.BooleanField(default=False)
    answers = EncryptedTextField(blank=True)  # JSON: {"satisfied": 0-10 or null, ...}
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["month", "id"]
        verbose_name = "wellbeing check-in"
        constraints = [
            models.UniqueConstraint(fields=["user", "group", "month"], name="one_wellbeing_check_in_a_month")
        ]
        indexes = [models.Index(fields=["created_at", "group"])]

    def __str__(self) -> str:
        return f"wellbeing check-in #{self.pk}"

    def audit_label(self) -> str:
        return f"wellbeing check-in #{self.pk}"

    def scores(self) -> dict[str, int | None]:
        stored = json.loads(self.answers) if self.answers else {}
        return {key: stored.get(key) for key, _ in QUESTIONS}

    def set_scores(self, scores: dict[str, int | None]) -> None:
        self.answers = json.dumps({key: scores.get(key) for key, _ in QUESTIONS})


def due_query(user, group, month):
    """One query: the group asks, the member has not switched it off, and nothing is recorded for this month."""
    return GroupCheckIn.objects.filter(group=group, asks=True).filter(
        ~Exists(CheckInOptOut.objects.filter(user=user)),
        ~Exists(CheckInAnswer.objects.filter(user=user, group=OuterRef("group"), month=month)),
    )
