"""The clocks data-protection law sets: data-rights requests, data-protection complaints, personal-data breaches.

UK GDPR with the Data (Use and Access) Act 2025: a request is answered within one calendar month of receipt
(to the same date next month, or that month's last day when it has no such date), paused while the charity
waits for the person (identity, or what they are asking for), extendable to three months when complex if the
person is told why within the first month. A complaint is acknowledged within 30 days. A breach is reported
to the ICO within 72 hours of becoming aware. Imported by safeguarding.models; rules in datarights_services.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField

COMPLAINT_ACKNOWLEDGE_DAYS = 30
ICO_BREACH_HOURS = 72


def add_months(start: date, months: int) -> date:
    """The same date `months` later, or that month's last day when it has no such date (31 Jan → 28/29 Feb).

    dateutil's relativedelta clamps to the month's end exactly as the ICO counts a calendar month.
    """
    return start + relativedelta(months=months)


class DataRightsRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)


class DataRightsRequest(models.Model):
    """One request under data-protection law, from receipt to done, with its clock."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access (a copy of their data)"
        ERASURE = "erasure", "Erasure"
        RECTIFICATION = "rectification", "Rectification (correcting data)"
        COMPLAINT = "complaint", "Data-protection complaint"

    class Source(models.TextChoices):
        TRUSTEE = "trustee", "Recorded by a trustee"
        SELF_SERVICE = "self_service", "The member's own download (fulfilled at once)"
        COMPLAINT_FORM = "complaint_form", "The member's complaint form"

    kind = models.CharField(max_length=15, choices=Kind.choices)
    source = models.CharField(max_length=15, choices=Source.choices, default=Source.TRUSTEE)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    person_name = models.CharField(
        "who asked", max_length=200, blank=True, help_text="When they have no account, or it has gone."
    )
    details = EncryptedTextField("what they asked for", blank=True)
    received_on = models.DateField("received", default=timezone.localdate)
    identity_checked_on = models.DateField("identity checked", null=True, blank=True)
    paused_on = models.DateField("clock paused since", null=True, blank=True, editable=False)
    days_paused = models.PositiveIntegerField("days the clock was paused", default=0, editable=False)
    extended_on = models.DateField("extended to three months on", null=True, blank=True, editable=False)
    extension_reason = EncryptedTextField("why it was extended", blank=True, editable=False)
    person_told_of_extension_on = models.DateField("person told of the extension", null=True, blank=True)
    acknowledged_on = models.DateField("acknowledged (complaints)", null=True, blank=True, editable=False)
    done_on = models.DateField("done", null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Claimed by the reminder task with a conditional update, so each reminder goes out once.
    week_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    due_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    trustees_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DataRightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "data-rights request"
        indexes = [models.Index(fields=["done_on", "received_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' (')[0]} request #{self.pk}"

    def audit_label(self) -> str:
        return f"data-rights request #{self.pk}"

    @property
    def is_paused(self) -> bool:
        return self.paused_on is not None

    def due_on(self, today: date | None = None) -> date | None:
        """When the answer is due: a month from receipt (three if extended), later by the days paused.

        While paused, the days so far count too (the date moves on each day until the clock restarts).
        """
        paused = self.days_paused
        if self.paused_on is not None:
            paused += ((today or timezone.localdate()) - self.paused_on).days
        return add_months(self.received_on, 3 if self.extended_on else 1) + timedelta(days=paused)

    def acknowledge_by(self) -> date | None:
        if self.kind != self.Kind.COMPLAINT:
            return None
        return self.received_on + timedelta(days=COMPLAINT_ACKNOWLEDGE_DAYS)


class Breach(models.Model):
    """A personal-data breach, logged from the hour the charity became aware (the ICO's 72 hours run from it)."""

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        REPORT = "report", "Report to the ICO"
        NOT_REPORTING = "not_reporting", "Not reportable (no likely risk to people)"

    became_aware_at = models.DateTimeField("the charity became aware", default=timezone.now)
    what_happened = EncryptedTextField("what happened")
    people_affected = models.PositiveIntegerField("how many people affected (roughly)", null=True, blank=True)
    decision = models.CharField(max_length=15, choices=Decision.choices, default=Decision.UNDECIDED)
    not_reporting_reason = EncryptedTextField("why it is not reportable", blank=True)
    reported_to_ico_at = models.DateTimeField("reported to the ICO", null=True, blank=True)
    ico_reference = models.CharField("the ICO's reference", max_length=50, blank=True)
    people_told_at = models.DateTimeField("the people affected were told", null=True, blank=True)
    steps_taken = EncryptedTextField("steps taken", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-became_aware_at", "-id"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"Breach #{self.pk}"

    def audit_label(self) -> str:
        return f"breach #{self.pk}"

    @property
    def ico_deadline(self):
        return self.became_aware_at + timedelta(hours=ICO_BREACH_HOURS)
