"""Data-rights requests, data-protection complaints and breaches: the rules and the reminders.

Keyword-only arguments, an explicit actor, one transaction, the audit entry inside it. The reminder task
lives here beside the rules it serves (tasks take primary keys; emails say only that a request is due,
never what it is about). A member's own "download my data" is recorded as an access request fulfilled at
once: the export (peersupport/gdpr.py, in the top layer) calls record_self_service_download.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record
from core.send_once import claim_mark
from members.roles import is_trustee
from safeguarding.datarights import Breach, DataRightsRequest, add_months
from safeguarding.text import visible_text

MAX_TEXT = 10_000
REMINDER_DAYS_BEFORE = 7


def _ensure_trustee(actor) -> None:
    if not is_trustee(actor):
        raise PermissionDenied("Only the trustees keep the data-rights log.")


def _text(value: str, *, what: str, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Please write {what}."})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Please keep this under {MAX_TEXT:,} characters."})
    return value


def _day(on: date | None, *, field: str, not_before: date | None = None) -> date:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({field: "This date can't be in the future."})
    if not_before is not None and on < not_before:
        raise ValidationError({field: "This date can't be before the request was received."})
    return on


def _locked(request: DataRightsRequest) -> DataRightsRequest:
    locked = DataRightsRequest.objects.select_for_update().get(pk=request.pk)
    if locked.done_on is not None:
        raise ValidationError("This request is already done.")
    return locked


def _audit(action: str, request: DataRightsRequest, *, actor, **data) -> None:
    record(f"safeguarding.data_request.{action}", actor=actor, subject=request, data={"kind": request.kind, **data})


# --- requests --------------------------------------------------------------------------------------------


def record_request(
    *, actor, kind: str, received_on: date, person=None, person_name: str = "", details: str = ""
) -> DataRightsRequest:
    """A trustee logs a request received by email, letter or phone (the clock runs from received_on)."""
    _ensure_trustee(actor)
    if kind not in DataRightsRequest.Kind.values:
        raise ValidationError({"kind": "Please choose what kind of request it is."})
    if person is None and not (person_name or "").strip():
        raise ValidationError({"person_name": "Please say who asked (or choose their account)."})
    received_on = _day(received_on, field="received_on")
    with transaction.atomic():
        request = DataRightsRequest.objects.create(
            kind=kind,
            person=person,
            person_name=(person_name or "").strip(),
            details=_text(details, what="what they asked for", field="details", required=False),
            received_on=received_on,
        )
        _audit("recorded", request, actor=actor, received_on=received_on, person_id=person.pk if person else None)
    return request


def check_identity(request: DataRightsRequest, *, actor, on: date | None = None) -> DataRightsRequest:
    _ensure_trustee(actor)
    with transaction.atomic():
        locked = _locked(request)
        locked.identity_checked_on = _day(on, field="on", not_before=locked.received_on)
        locked.save(update_fields=["identity_checked_on"])
        _audit("identity_checked", locked, actor=actor, on=locked.identity_checked_on)
    return locked


def pause_clock(request: DataRightsRequest, *, actor, on: date | None = None) -> DataRightsRequest:
    """Stop the clock while the charity waits for the person (identity, or what they are asking for)."""
    _ensure_trustee(actor)
    with transaction.atomic():
        locked = _locked(request)
        if locked.paused_on is not None:
            raise ValidationError("The clock is already paused.")
        locked.paused_on = _day(on, field="on", not_before=locked.received_on)
        locked.save(update_fields=["paused_on"])
        _audit("paused", locked, actor=actor, on=locked.paused_on)
    return locked


def restart_clock(request: DataRightsRequest, *, actor, on: date | None = None) -> DataRightsRequest:
    """The person answered: the clock runs again, the due date later by the days it stood still."""
    _ensure_trustee(actor)
    with transaction.atomic():
        locked = _locked(request)
        if locked.paused_on is None:
            raise ValidationError("The clock is not paused.")
        on = _day(on, field="on", not_before=locked.paused_on)
        days = (on - locked.paused_on).days
        locked.days_paused += days
        locked.paused_on = None
        locked.save(update_fields=["days_paused", "paused_on"])
        _audit("restarted", locked, actor=actor, on=on, days_paused=days)
    return locked


def extend(request: DataRightsRequest, *, actor, reason: str, person_told_on: date | None) -> DataRightsRequest:
    """Extend to three months (a complex request): the reason is kept, and the person must have been told
    within the first month."""
    _ensure_trustee(actor)
    reason = _text(reason, what="why the request needs longer", field="reason")
    if person_told_on is None:
        raise ValidationError({"person_told_on": "Please give the date the person was told of the extension."})
    with transaction.atomic():
        locked = _locked(request)
        if locked.kind == DataRightsRequest.Kind.COMPLAINT:
            raise ValidationError("A complaint has no extension: acknowledge it and answer it.")
        if locked.extended_on is not None:
            raise ValidationError("This request has already been extended.")
        first_month_ends = locked.due_on()
        person_told_on = _day(person_told_on, field="person_told_on", not_before=locked.received_on)
        if person_told_on > first_month_ends:
            raise ValidationError(
                {"person_told_on": f"The person must be told within the first month (by {first_month_ends:%-d %B %Y})."}
            )
        locked.extended_on = timezone.localdate()
        locked.extension_reason = reason
        locked.person_told_of_extension_on = person_told_on
        locked.save(update_fields=["extended_on", "extension_reason", "person_told_of_extension_on"])
        _audit("extended", locked, actor=actor, reason=reason, person_told_on=person_told_on)
    return locked


def mark_done(request: DataRightsRequest, *, actor, on: date | None = None) -> DataRightsRequest:
    _ensure_trustee(actor)
    with transaction.atomic():
        locked = _locked(request)
        if locked.paused_on is not None:
            raise ValidationError("Restart the clock first: the request is waiting for the person.")
        locked.done_on = _day(on, field="on", not_before=locked.received_on)
        locked.done_by = actor
        locked.save(update_fields=["done_on", "done_by"])
        due = locked.due_on()
        _audit("done", locked, actor=actor, on=locked.done_on, due_on=due, in_time=locked.done_on <= due)
    return locked


def acknowledge_complaint(request: DataRightsRequest, *, actor, on: date | None = None) -> DataRightsRequest:
    _ensure_trustee(actor)
    with transaction.atomic():
        locked = _locked(request)
        if locked.kind != DataRightsRequest.Kind.COMPLAINT:
            raise ValidationError("Only a complaint is acknowledged.")
        if locked.acknowledged_on is not None:
            raise ValidationError("This complaint was already acknowledged.")
        locked.acknowledged_on = _day(on, field="on", not_before=locked.received_on)
        locked.save(update_fields=["acknowledged_on"])
        _audit("acknowledged", locked, actor=actor, on=locked.acknowledged_on)
    return locked


def raise_data_complaint(*, person, details: str) -> DataRightsRequest:
    """A member's data-protection complaint, from the site's form. The trustees are told one is waiting."""
    details = _text(details, what="what your complaint is about", field="details")
    with transaction.atomic():
        request = DataRightsRequest.objects.create(
            kind=DataRightsRequest.Kind.COMPLAINT,
            source=DataRightsRequest.Source.COMPLAINT_FORM,
            person=person,
            details=details,
        )
        _audit("recorded", request, actor=person, source=request.source)
        email_trustees_about_complaint.delay_on_commit(request.pk)
    return request


def record_self_service_download(*, user) -> DataRightsRequest:
    """The member downloaded their own data: an access request, received and fulfilled the same day."""
    today = timezone.localdate()
    with transaction.atomic():
        request = DataRightsRequest.objects.create(
            kind=DataRightsRequest.Kind.ACCESS,
            source=DataRightsRequest.Source.SELF_SERVICE,
            person=user,
            received_on=today,
            identity_checked_on=today,  # signed in, with their own account
            done_on=today,
            done_by=user,
        )
        _audit("done", request, actor=user, on=today, due_on=request.due_on(), in_time=True, source=request.source)
    return request


# --- breaches --------------------------------------------------------------------------------------------

BREACH_FIELDS = (
    "became_aware_at",
    "what_happened",
    "people_affected",
    "decision",
    "not_reporting_reason",
    "reported_to_ico_at",
    "ico_reference",
    "people_told_at",
    "steps_taken",
)


def validate_breach(values: dict) -> None:
    errors = {}
    now = timezone.now()
    if values.get("became_aware_at") is None:
        errors["became_aware_at"] = "Please give when the charity became aware."
    if not visible_text(values.get("what_happened")):
        errors["what_happened"] = "Please write what happened."
    if values.get("decision") not in Breach.Decision.values:
        errors["decision"] = "Please choose what was decided."
    if values.get("decision") == Breach.Decision.NOT_REPORTING and not visible_text(values.get("not_reporting_reason")):
        errors["not_reporting_reason"] = "Please write why it is not reportable."
    if values.get("ico_reference") and not values.get("reported_to_ico_at"):
        errors["reported_to_ico_at"] = "Please give when it was reported to the ICO."
    for name in ("became_aware_at", "reported_to_ico_at", "people_told_at"):
        if values.get(name) is not None and values[name] > now:
            errors[name] = "This can't be in the future."
    if errors:
        raise ValidationError(errors)


def save_breach(breach: Breach | None, *, actor, **values) -> Breach:
    """Open a breach record (the ICO's 72 hours are shown from became_aware_at) or bring it up to date."""
    _ensure_trustee(actor)
    unknown = set(values) - set(BREACH_FIELDS)
    if unknown:
        raise ValueError(f"Not breach fields: {sorted(unknown)}")
    with transaction.atomic():
        created = breach is None or breach.pk is None
        current = Breach() if created else Breach.objects.select_for_update().get(pk=breach.pk)
        merged = {name: values.get(name, getattr(current, name)) for name in BREACH_FIELDS}
        validate_breach(merged)
        changed = [name for name in BREACH_FIELDS if created or merged[name] != getattr(current, name)]
        for name, value in merged.items():
            setattr(current, name, value)
        if created:
            current.opened_by = actor
        current.save()
        record(
            "safeguarding.breach.opened" if created else "safeguarding.breach.updated",
            actor=actor,
            subject=current,
            data={"fields_changed": changed, "decision": current.decision},
        )
    return current


# --- reminders -------------------------------------------------------------------------------------------


def requests_due_a_reminder(today: date | None = None) -> list[tuple[int, str]]:
    """(request id, "week" or "due") for open, running requests due in a week or today (or overdue)."""
    today = today or timezone.localdate()
    found = []
    running = DataRightsRequest.objects.open().filter(paused_on__isnull=True)
    candidates = running.filter(received_on__gte=today - timedelta(days=400)).exclude(
        week_reminder_sent_at__isnull=False, due_reminder_sent_at__isnull=False
    )
    for request in candidates:
        due = request.due_on(today)
        if due <= today:
            if request.due_reminder_sent_at is None:
                found.append((request.pk, "due"))
        elif due - timedelta(days=REMINDER_DAYS_BEFORE) <= today and request.week_reminder_sent_at is None:
            found.append((request.pk, "week"))
    return found


@shared_task(name="safeguarding.dispatch_data_rights_reminders")
def dispatch_data_rights_reminders() -> int:
    """Beat, daily: queue one reminder task per request that is due in a week, or today."""
    due = requests_due_a_reminder()
    for pk, which in due:
        send_data_rights_reminder.delay(pk, which)
    return len(due)


@shared_task(name="safeguarding.send_data_rights_reminder")
def send_data_rights_reminder(request_id: int, which: str) -> None:
    """Email every trustee that a request is due (once: claimed in the transaction that sends)."""
    from safeguarding.permissions import trustees
    from safeguarding.tasks import _send, _url

    field = {"week": "week_reminder_sent_at", "due": "due_reminder_sent_at"}[which]
    request = DataRightsRequest.objects.filter(pk=request_id, done_on__isnull=True).first()
    if request is None:
        return
    with transaction.atomic():
        if not claim_mark(DataRightsRequest, request.pk, field):
            return
        context = {
            "request": request,
            "kind": request.get_kind_display(),
            "due_on": request.due_on(),
            "which": which,
            "url": _url("admin:safeguarding_datarightsrequest_change", request.pk),
        }
        for trustee in trustees():
            _send("data_request_due", to=trustee.email, context={**context, "person": trustee})


@shared_task(name="safeguarding.email_trustees_about_complaint")
def email_trustees_about_complaint(request_id: int) -> None:
    """A member sent a data-protection complaint: the trustees are told one waits (never what it says)."""
    from safeguarding.permissions import trustees
    from safeguarding.tasks import _send, _url

    request = DataRightsRequest.objects.filter(pk=request_id).first()
    if request is None:
        return
    with transaction.atomic():
        if not claim_mark(DataRightsRequest, request.pk, "trustees_notified_at"):
            return
        context = {
            "acknowledge_by": request.acknowledge_by(),
            "url": _url("admin:safeguarding_datarightsrequest_change", request.pk),
        }
        for trustee in trustees():
            _send("data_complaint", to=trustee.email, context={**context, "person": trustee})


def first_month_ends(request: DataRightsRequest) -> date:
    """The un-extended due date (for the form's hint)."""
    return add_months(request.received_on, 1) + timedelta(days=request.days_paused)
