"""The casework rules a regulator relies on: referrals, sign-offs, flags, serious incidents, case history.

Like safeguarding.services: keyword-only arguments, an explicit actor (a trustee), one transaction, the
audit entry in that transaction. Every event's subject is the case (the concern), so the case's own
"who viewed or changed this" log (case_history) is one query on the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record
from core.models import AuditEvent
from members.roles import is_trustee
from safeguarding.casework import CaseFlag, Referral, SeriousIncident, SignOff, is_designated_lead
from safeguarding.models import Concern
from safeguarding.text import visible_text

MAX_TEXT = 10_000


def role_of(user) -> str:
    """The role a chronology names beside a person (a snapshot: roles change, the record must not)."""
    if user is None:
        return "the system"
    if is_designated_lead(user):
        return "Designated safeguarding lead"
    if is_trustee(user):
        return "Trustee (safeguarding lead)"
    from groups.models import Membership

    if Membership.objects.active().leaders().filter(user=user).exists():
        return "Group leader"
    return "Member"


def _ensure_trustee(actor) -> None:
    if not is_trustee(actor):
        raise PermissionDenied("Only the safeguarding leads work on cases.")


def _text(value: str, *, what: str, field: str, required: bool = True) -> str:
    value = visible_text(value)  # a reason of only spaces or invisible characters is no reason (issue #15)
    if required and not value:
        raise ValidationError({field: f"Please write {what}."})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Please keep this under {MAX_TEXT:,} characters."})
    return value


def _not_future(value: date | datetime | None, *, field: str, what: str) -> None:
    if value is None:
        return
    today = timezone.localdate() if isinstance(value, date) and not isinstance(value, datetime) else None
    if (today and value > today) or (today is None and value > timezone.now()):
        raise ValidationError({field: f"{what} can't be in the future."})


# --- referrals -------------------------------------------------------------------------------------------


REFERRAL_FIELDS = ("agency", "agency_name", "referred_on", "their_reference", "outcome", "outcome_on")


def _validate_referral(values: dict) -> None:
    if values.get("agency") not in Referral.Agency.values:
        raise ValidationError({"agency": "Please choose the agency."})
    if values.get("referred_on") is None:
        raise ValidationError({"referred_on": "Please give the date of the referral."})
    _not_future(values["referred_on"], field="referred_on", what="The referral date")
    _not_future(values.get("outcome_on"), field="outcome_on", what="The outcome's date")
    if values.get("outcome_on") and values["outcome_on"] < values["referred_on"]:
        raise ValidationError({"outcome_on": "The outcome can't come before the referral."})
    if values.get("agency") == Referral.Agency.OTHER and not visible_text(values.get("agency_name")):
        raise ValidationError({"agency_name": "Please name the agency."})
    values["outcome"] = _text(values.get("outcome", ""), what="the outcome", field="outcome", required=False)


def add_referral(concern: Concern, *, actor, **values) -> Referral:
    """Record a referral of the case to another agency (audited)."""
    _ensure_trustee(actor)
    values = {name: values.get(name) for name in REFERRAL_FIELDS}
    values["agency_name"] = (values["agency_name"] or "").strip()
    values["their_reference"] = (values["their_reference"] or "").strip()
    _validate_referral(values)
    with transaction.atomic():
        referral = Referral.objects.create(concern=concern, created_by=actor, **values)
        record(
            "safeguarding.case.referral_added",
            actor=actor,
            subject=concern,
            data={"referral_id": referral.pk, "agency": referral.agency, "referred_on": referral.referred_on},
        )
    return referral


def update_referral(referral: Referral, *, actor, **changes) -> Referral:
    """Add the agency's reference or the outcome to a referral, or correct it (audited, by field name)."""
    _ensure_trustee(actor)
    unknown = set(changes) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValueError(f"Not referral fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        values = {name: changes.get(name, getattr(locked, name)) for name in REFERRAL_FIELDS}
        _validate_referral(values)
        changed = [name for name in REFERRAL_FIELDS if values[name] != getattr(locked, name)]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        record(
            "safeguarding.case.referral_updated",
            actor=actor,
            subject=locked.concern,
            data={"referral_id": locked.pk, "fields_changed": changed},
        )
    return locked


# --- designated safeguarding lead's sign-off -------------------------------------------------------------


def request_sign_off(concern: Concern, *, actor, step: str) -> SignOff:
    """Ask a designated safeguarding lead to sign off one step of the case (audited)."""
    _ensure_trustee(actor)
    if step not in SignOff.Step.values:
        raise ValidationError({"step": "Please choose the step to sign off."})
    with transaction.atomic():
        sign_off, _ = SignOff.objects.select_for_update().get_or_create(concern=concern, step=step)
        if sign_off.status == SignOff.Status.SIGNED_OFF:
            raise ValidationError({"step": "This step is already signed off."})
        if sign_off.status == SignOff.Status.REQUESTED:
            return sign_off
        sign_off.status = SignOff.Status.REQUESTED
        sign_off.requested_by, sign_off.requested_at = actor, timezone.now()
        sign_off.save(update_fields=["status", "requested_by", "requested_at"])
        record("safeguarding.case.sign_off_requested", actor=actor, subject=concern, data={"step": step})
    return sign_off


def sign_off(concern: Concern, *, actor, step: str) -> SignOff:
    """A designated safeguarding lead signs off a step (anyone else is refused; audited with who and when)."""
    if not is_designated_lead(actor):
        raise PermissionDenied("Only a designated safeguarding lead can sign off a step of a case.")
    if step not in SignOff.Step.values:
        raise ValidationError({"step": "Please choose the step to sign off."})
    with transaction.atomic():
        sign_off, _ = SignOff.objects.select_for_update().get_or_create(concern=concern, step=step)
        if sign_off.status == SignOff.Status.SIGNED_OFF:
            return sign_off
        sign_off.status = SignOff.Status.SIGNED_OFF
        sign_off.signed_off_by, sign_off.signed_off_at = actor, timezone.now()
        sign_off.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        record("safeguarding.case.signed_off", actor=actor, subject=concern, data={"step": step})
    return sign_off


# --- flags -----------------------------------------------------------------------------------------------


def flag_case(concern: Concern, *, actor, kind: str, flagged_on: date | None = None) -> CaseFlag:
    """Put a dated flag on a case (audited). One active flag of a kind at a time."""
    _ensure_trustee(actor)
    if kind not in CaseFlag.Kind.values:
        raise ValidationError({"kind": "Please choose a flag."})
    flagged_on = flagged_on or timezone.localdate()
    _not_future(flagged_on, field="flagged_on", what="The flag's date")
    with transaction.atomic():
        Concern.objects.select_for_update().get(pk=concern.pk)
        if CaseFlag.objects.filter(concern=concern, kind=kind, removed_at__isnull=True).exists():
            raise ValidationError({"kind": "The case already has this flag."})
        flag = CaseFlag.objects.create(concern=concern, kind=kind, flagged_on=flagged_on, flagged_by=actor)
        record(
            "safeguarding.case.flagged",
            actor=actor,
            subject=concern,
            data={"flag_id": flag.pk, "kind": kind, "flagged_on": flagged_on},
        )
    return flag


def unflag_case(flag: CaseFlag, *, actor, reason: str) -> CaseFlag:
    """Remove a flag: a reason is required, and the flag stays on the record as removed (audited)."""
    _ensure_trustee(actor)
    reason = _text(reason, what="why the flag can be removed", field="removal_reason")
    with transaction.atomic():
        locked = CaseFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.removed_at is not None:
            raise ValidationError("This flag was already removed.")
        locked.removed_at, locked.removed_by, locked.removal_reason = timezone.now(), actor, reason
        locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        record(
            "safeguarding.case.unflagged",
            actor=actor,
            subject=locked.concern,
            data={"flag_id": locked.pk, "kind": locked.kind, "reason": reason},
        )
    return locked


# --- serious incidents -----------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "decision",
    "not_reporting_reason",
    "what_happened",
    "happened_at",
    "found_out_at",
    "how_found_out",
    "trustees_aware",
    "impact",
    "other_bodies_told",
    "policies_applied",
    "policies_followed",
    "steps_taken",
    "prevention",
    "press_lines",
    "reported_at",
    "commission_reference",
    "updates",
)


def validate_serious_incident(values: dict) -> None:
    """The record must let the trustees explain themselves later: a report says what and when; a decision
    not to report says why."""
    errors = {}
    decision = values.get("decision")
    if decision not in SeriousIncident.Decision.values:
        errors["decision"] = "Please choose what the trustees decided."
    if decision == SeriousIncident.Decision.NOT_REPORTING and not visible_text(values.get("not_reporting_reason")):
        errors["not_reporting_reason"] = "Please write why the trustees decided not to report."
    if decision == SeriousIncident.Decision.REPORT:
        if not visible_text(values.get("what_happened")):
            errors["what_happened"] = "Please write what happened."
        if values.get("found_out_at") is None:
            errors["found_out_at"] = "Please give when the charity found out."
    if values.get("commission_reference") and decision != SeriousIncident.Decision.REPORT:
        errors["commission_reference"] = "Only a reported incident has the Commission's reference."
    for name in ("happened_at", "found_out_at", "reported_at"):
        if values.get(name) is not None and values[name] > timezone.now():
            errors[name] = "This can't be in the future."
    if values.get("happened_at") and values.get("found_out_at") and values["found_out_at"] < values["happened_at"]:
        errors["found_out_at"] = "The charity can't have found out before it happened."
    for name in INCIDENT_FIELDS:
        if isinstance(values.get(name), str) and len(values[name]) > MAX_TEXT:
            errors[name] = f"Please keep this under {MAX_TEXT:,} characters."
    if errors:
        raise ValidationError(errors)


def save_serious_incident(concern: Concern, *, actor, **values) -> SeriousIncident:
    """Create or change the case's serious incident record (audited with the names of the fields changed)."""
    _ensure_trustee(actor)
    unknown = set(values) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValueError(f"Not serious incident fields: {sorted(unknown)}")
    with transaction.atomic():
        incident = SeriousIncident.objects.select_for_update().filter(concern=concern).first()
        created = incident is None
        incident = incident or SeriousIncident(concern=concern)
        merged = {name: values.get(name, getattr(incident, name)) for name in INCIDENT_FIELDS}
        for name, value in merged.items():
            if isinstance(value, str):
                merged[name] = value.strip()
        validate_serious_incident(merged)
        changed = [name for name in INCIDENT_FIELDS if created or merged[name] != getattr(incident, name)]
        decision_changed = created or merged["decision"] != incident.decision
        for name in INCIDENT_FIELDS:
            setattr(incident, name, merged[name])
        if decision_changed and merged["decision"] != SeriousIncident.Decision.UNDECIDED:
            incident.decided_by, incident.decided_at = actor, timezone.now()
        incident.updated_at = timezone.now()
        incident.save()
        record(
            "safeguarding.case.serious_incident_saved",
            actor=actor,
            subject=concern,
            data={
                "incident_id": incident.pk,
                "created": created,
                "decision": incident.decision,
                "fields_changed": changed,
            },
        )
    return incident


# --- the case's own history ------------------------------------------------------------------------------


def case_history(concern: Concern):
    """Who viewed or changed this case, and when: its part of the audit trail, oldest first."""
    return AuditEvent.objects.for_subject(concern).select_related("actor").order_by("id")
