"""Are our leaders suitable? A register per person of checks (DBS level and date), training and supervision,
with renewal dates; trustees reminded before anything lapses; appointing a leader whose DBS check or
safeguarding training has lapsed needs a trustee's explicit override with a reason (audited).

Why safeguarding training blocks too, and supervision and peer-support training only remind: the Charity
Commission asks for suitability checks of people in roles of trust and a clear way to report concerns; a
leader whose safeguarding training has lapsed may not recognise or pass on a concern, the same gap as an
out-of-date check. Supervision sessions and practice training are about how well someone leads, which the
reminders and the trustees' judgement cover without stopping an appointment.

The model is imported by safeguarding.models. The appointment rule hooks into groups.services.appoint_leader
and add_member through groups' `leader_appointing` signal (groups sits below safeguarding).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.fields import EncryptedTextField
from safeguarding.text import visible_text

RENEWAL_REMINDER_DAYS = 30


class SuitabilityCheckQuerySet(models.QuerySet):
    def dbs(self):
        return self.filter(kind__startswith="dbs_")

    def blocking(self):
        """The entries whose lapse stops an appointment without a trustee's override: DBS and safeguarding training."""
        return self.filter(
            models.Q(kind__startswith="dbs_") | models.Q(kind=SuitabilityCheck.Kind.SAFEGUARDING_TRAINING)
        )

    def lapsed(self, today: date | None = None):
        return self.filter(renew_on__lt=today or timezone.localdate())

    def renewal_due(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(renew_on__gte=today, renew_on__lte=today + timedelta(days=RENEWAL_REMINDER_DAYS))


class SuitabilityCheck(models.Model):
    """One entry in a person's suitability register: a DBS check, a training course or supervision."""

    class Kind(models.TextChoices):
        DBS_BASIC = "dbs_basic", "DBS check: basic"
        DBS_STANDARD = "dbs_standard", "DBS check: standard"
        DBS_ENHANCED = "dbs_enhanced", "DBS check: enhanced"
        DBS_ENHANCED_BARRED = "dbs_enhanced_barred", "DBS check: enhanced with barred list"
        SAFEGUARDING_TRAINING = "training_safeguarding", "Safeguarding training"
        PEER_SUPPORT_TRAINING = "training_peer_support", "Peer support leader training"
        SUPERVISION = "supervision", "Supervision session"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suitability_checks")
    kind = models.CharField(max_length=25, choices=Kind.choices)
    done_on = models.DateField("date done or issued")
    renew_on = models.DateField("renew by", null=True, blank=True)
    reference = EncryptedTextField("certificate number or reference", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Claimed by the reminder task with a conditional update, so the trustees are reminded once.
    renewal_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SuitabilityCheckQuerySet.as_manager()

    class Meta:
        ordering = ["person_id", "-done_on", "-id"]
        verbose_name = "suitability check"
        indexes = [models.Index(fields=["kind", "renew_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.done_on:%-d %b %Y})"

    def audit_label(self) -> str:
        return f"suitability check #{self.pk} of user #{self.person_id}"

    @property
    def is_dbs(self) -> bool:
        return self.kind.startswith("dbs_")


def latest_dbs(user) -> SuitabilityCheck | None:
    return SuitabilityCheck.objects.dbs().filter(person=user).order_by("-done_on", "-id").first()


def lapsed_requirements(user, today: date | None = None) -> list[SuitabilityCheck]:
    """The person's latest DBS check and latest safeguarding training, those whose renewal date has passed."""
    today = today or timezone.localdate()
    latest_training = (
        SuitabilityCheck.objects.filter(person=user, kind=SuitabilityCheck.Kind.SAFEGUARDING_TRAINING)
        .order_by("-done_on", "-id")
        .first()
    )
    return [
        check
        for check in (latest_dbs(user), latest_training)
        if check is not None and check.renew_on is not None and check.renew_on < today
    ]


# --- services ----------------------------------------------------------------------------------------------


def record_check(*, actor, person, kind: str, done_on: date, renew_on: date | None = None, reference: str = ""):
    """A trustee adds an entry to a person's register (audited; the reference is encrypted, never audited)."""
    from core.audit import record
    from members.roles import is_trustee

    if not is_trustee(actor):
        raise PermissionDenied("Only the trustees keep the suitability register.")
    errors = {}
    if kind not in SuitabilityCheck.Kind.values:
        errors["kind"] = "Please choose what kind of check it is."
    if done_on is None:
        errors["done_on"] = "Please give the date it was done or issued."
    elif done_on > timezone.localdate():
        errors["done_on"] = "This date can't be in the future."
    elif renew_on is not None and renew_on <= done_on:
        errors["renew_on"] = "The renewal date must come after the date it was done."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check = SuitabilityCheck.objects.create(
            person=person,
            kind=kind,
            done_on=done_on,
            renew_on=renew_on,
            reference=(reference or "").strip(),
            recorded_by=actor,
        )
        record(
            "safeguarding.suitability.recorded",
            actor=actor,
            subject=check,
            data={"person_id": person.pk, "kind": kind, "done_on": done_on, "renew_on": renew_on},
        )
    return check


def check_leader_appointment(*, membership, actor, override_reason: str = "") -> None:
    """Refuse to appoint a leader whose DBS check or safeguarding training has lapsed, unless a trustee overrides
    with a reason.

    Called inside the appointment's transaction (groups' leader_appointing signal): the override's audit
    entry commits with the appointment, or not at all.
    """
    from core.audit import record
    from groups.services import GroupActionRefused
    from members.roles import is_trustee

    lapsed = lapsed_requirements(membership.user)
    if not lapsed:
        return
    reason = visible_text(override_reason)
    if not is_trustee(actor) or not reason:
        what = " and ".join(
            f"{'DBS check' if check.is_dbs else 'safeguarding training'} needed renewing by {check.renew_on:%-d %B %Y}"
            for check in lapsed
        )
        raise GroupActionRefused(
            f"{membership.user.display_name}'s {what}. "
            "Only a trustee can appoint them now, with a reason, until it is renewed."
        )
    record(
        "safeguarding.suitability.override",
        actor=actor,
        subject=membership,
        data={
            "person_id": membership.user_id,
            "group_id": membership.group_id,
            "check_id": lapsed[0].pk,
            "check_ids": [check.pk for check in lapsed],
            "reason": reason,
        },
    )


def _connect_appointment_signal() -> None:
    from groups.services import leader_appointing

    def on_leader_appointing(sender, membership, actor, override_reason="", **kwargs) -> None:
        check_leader_appointment(membership=membership, actor=actor, override_reason=override_reason)

    leader_appointing.connect(on_leader_appointing, weak=False, dispatch_uid="safeguarding.check_leader_appointment")
