"""What a case needs so that a regulator, the police or a funder can follow it years later.

Referrals to other agencies, a designated safeguarding lead's sign-off on key steps, dated flags (removing
one needs a reason and the flag is kept), and the serious incident record with the Charity Commission's
report fields, or the trustees' recorded decision not to report and why. Imported by safeguarding.models;
the rules are in safeguarding.case_services and the trustees work them in the admin (case_admin.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField

# An auth group: the trustees who are designated safeguarding leads (DSLs). Only they sign off key steps.
DSL_GROUP = "Designated safeguarding leads"


def is_designated_lead(user) -> bool:
    """A trustee who is also in the "Designated safeguarding leads" group (set by the charity in the admin)."""
    from members.roles import is_trustee

    if not is_trustee(user):
        return False
    if not hasattr(user, "_ps_is_dsl"):
        user._ps_is_dsl = user.groups.filter(name=DSL_GROUP).exists()
    return user._ps_is_dsl


class Referral(models.Model):
    """A referral of the case to another agency: who, when, their reference, and what came of it."""

    class Agency(models.TextChoices):
        POLICE = "police", "Police"
        ADULT_SOCIAL_CARE = "adult_social_care", "Local authority adult social care"
        CHILDRENS_SERVICES = "childrens_services", "Local authority children's services"
        NHS_CRISIS = "nhs_crisis", "NHS crisis or mental health team"
        GP = "gp", "GP"
        ICO = "ico", "Information Commissioner's Office"
        CHARITY_COMMISSION = "charity_commission", "Charity Commission"
        OTHER = "other", "Another agency"

    concern = models.ForeignKey("safeguarding.Concern", on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(max_length=30, choices=Agency.choices)
    agency_name = models.CharField(
        "agency's name or team", max_length=200, blank=True, help_text="For example, the local authority's name."
    )
    referred_on = models.DateField("date referred")
    their_reference = models.CharField("their reference", max_length=100, blank=True)
    outcome = EncryptedTextField("outcome", blank=True, help_text="What the agency did or decided, when known.")
    outcome_on = models.DateField("date of the outcome", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self) -> str:
        return f"Referral #{self.pk} to {self.get_agency_display()}"

    def audit_label(self) -> str:
        return f"referral #{self.pk} on concern #{self.concern_id}"


class SignOff(models.Model):
    """A designated safeguarding lead's sign-off on one key step of a case."""

    class Step(models.TextChoices):
        ASSESSMENT = "assessment", "Risk assessment"
        REFERRAL = "referral", "Decision to refer (or not)"
        SERIOUS_INCIDENT = "serious_incident", "Serious incident decision"
        CLOSURE = "closure", "Closing the case"

    class Status(models.TextChoices):
        NOT_REQUESTED = "not_requested", "Not requested"
        REQUESTED = "requested", "Requested"
        SIGNED_OFF = "signed_off", "Signed off"

    concern = models.ForeignKey("safeguarding.Concern", on_delete=models.CASCADE, related_name="sign_offs")
    step = models.CharField(max_length=20, choices=Step.choices)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NOT_REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "sign-off"
        constraints = [models.UniqueConstraint(fields=["concern", "step"], name="one_sign_off_per_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_status_display().lower()}"

    def audit_label(self) -> str:
        return f"sign-off #{self.pk} on concern #{self.concern_id}"


class CaseFlag(models.Model):
    """A flag on a case, with the date it was raised. Removing it needs a reason, and the flag is kept."""

    class Kind(models.TextChoices):
        LEAD_ONLY = "lead_only", "Designated safeguarding lead only"
        POLICE_INVOLVED = "police_involved", "Police involved"
        RISK_TO_CHILD = "risk_to_child", "A child may be at risk"
        SERIOUS_INCIDENT = "serious_incident", "Possible serious incident"
        DO_NOT_CONTACT = "do_not_contact", "Do not contact the person directly"
        WATCH = "watch", "Keep a close eye"

    concern = models.ForeignKey("safeguarding.Concern", on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    flagged_on = models.DateField("date flagged", default=timezone.localdate)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removal_reason = EncryptedTextField("why the flag was removed", blank=True)

    class Meta:
        ordering = ["flagged_on", "id"]
        verbose_name = "flag"

    def __str__(self) -> str:
        return self.get_kind_display() + (" (removed)" if self.removed_at else "")

    def audit_label(self) -> str:
        return f"flag #{self.pk} on concern #{self.concern_id}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class SeriousIncident(models.Model):
    """The Charity Commission's serious incident report, or the trustees' decision not to report and why.

    The fields follow the Commission's online form (see the regulators reference in the team's notes); the
    app records what the trustees decided, it never decides for them.
    """

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        REPORT = "report", "Report to the Charity Commission"
        NOT_REPORTING = "not_reporting", "Decided not to report"

    class Followed(models.TextChoices):
        UNKNOWN = "", "Not yet known"
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    concern = models.OneToOneField("safeguarding.Concern", on_delete=models.CASCADE, related_name="serious_incident")
    decision = models.CharField(max_length=15, choices=Decision.choices, default=Decision.UNDECIDED)
    not_reporting_reason = EncryptedTextField(
        "why the trustees decided not to report", blank=True, help_text="Needed when deciding not to report."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    what_happened = EncryptedTextField("what happened", blank=True)
    happened_at = models.DateTimeField("when it happened", null=True, blank=True)
    found_out_at = models.DateTimeField("when the charity found out", null=True, blank=True)
    how_found_out = EncryptedTextField("how the charity found out", blank=True)
    trustees_aware = models.BooleanField("all the trustees know", default=False)
    impact = EncryptedTextField(
        "impact", blank=True, help_text="On the people we support, finances, staff, operations and reputation."
    )
    other_bodies_told = EncryptedTextField(
        "other bodies told, and their reference numbers", blank=True, help_text="Police, local authority, ICO..."
    )
    policies_applied = EncryptedTextField("which policies applied", blank=True)
    policies_followed = models.CharField(
        "were they followed", max_length=10, choices=Followed.choices, blank=True, default=""
    )
    steps_taken = EncryptedTextField("steps taken", blank=True)
    prevention = EncryptedTextField("steps to stop it happening again", blank=True)
    press_lines = EncryptedTextField("press lines, if any", blank=True)
    reported_at = models.DateTimeField("reported to the Commission on", null=True, blank=True)
    commission_reference = models.CharField("the Commission's reference", max_length=50, blank=True)
    updates = EncryptedTextField(
        "updates sent to the Commission", blank=True, help_text="Each update quotes the Commission's reference."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "serious incident"

    def __str__(self) -> str:
        return f"Serious incident on concern #{self.concern_id}: {self.get_decision_display().lower()}"

    def audit_label(self) -> str:
        return f"serious incident #{self.pk} on concern #{self.concern_id}"
