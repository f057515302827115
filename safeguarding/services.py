"""Safeguarding workflows: contact details and reveals, concerns and cases.

Removals are in safeguarding/removals.py, the retention purge in safeguarding/retention.py, casework in
case_services.py and data rights in datarights_services.py.

Each function takes keyword-only arguments and an explicit actor, runs in one transaction and writes its
audit entry in that transaction. Emails go out after commit through Celery tasks that take primary keys
and never carry (or send) protected text. Live room sockets are closed after commit.

Refusals: PermissionDenied (not allowed) or ValidationError (a kind message about the input).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record
from groups.models import Membership, SupportGroup
from groups.roles import leads_group
from members.roles import is_trustee
from safeguarding import tasks
from safeguarding.models import CaseNote, Concern, ContactAccess, ContactDetails
from safeguarding.permissions import (  # noqa: F401 - part of this module's contract
    concern_role,
    get_concern_for_user,
    get_contact_for_reveal,
    welfare_groups,
)
from safeguarding.text import required_visible_text

CONTACT_FIELDS = ("phone", "emergency_contact_name", "emergency_contact_phone", "address", "notes")
MAX_TEXT = 10_000


def _required_text(value: str, *, what: str, field: str) -> str:
    return required_visible_text(value, what=what, field=field, max_length=MAX_TEXT)


# --- contact details ----------------------------------------------------------------------------


def save_contact_details(*, user, consent: bool, **values: str) -> ContactDetails:
    """Create or change the member's own contact details. Consent is required every time they save."""
    if not consent:
        raise ValidationError({"consent": "Please tick the box to say you agree to us keeping these details."})
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact detail fields: {sorted(unknown)}")
    values = {name: (values.get(name) or "").strip() for name in CONTACT_FIELDS}
    if not any(values.values()):
        raise ValidationError("Please fill in at least one detail, or withdraw them instead.")
    now = timezone.now()
    with transaction.atomic():
        contact = ContactDetails.objects.select_for_update().filter(user=user).first()
        created = contact is None
        if created:
            contact = ContactDetails.objects.create(user=user, consent_given_at=now, updated_at=now, **values)
            changed = [name for name, value in values.items() if value]
        else:
            changed = [name for name in CONTACT_FIELDS if getattr(contact, name) != values[name]]
            for name in CONTACT_FIELDS:
                setattr(contact, name, values[name])
            contact.consent_given_at = now
            contact.updated_at = now
            contact.save(update_fields=[*CONTACT_FIELDS, "consent_given_at", "updated_at"])
        record(
            "safeguarding.contact.saved",
            actor=user,
            subject=contact,
            data={"created": created, "fields_changed": changed},
        )
    return contact


def withdraw_contact_details(*, user) -> bool:
    """Delete the member's contact details (consent withdrawn); the audit trail keeps that it happened."""
    with transaction.atomic():
        contact = ContactDetails.objects.select_for_update().filter(user=user).first()
        if contact is None:
            return False
        record("safeguarding.contact.withdrawn", actor=user, subject=contact, data={"member_id": user.pk})
        contact.delete()
    return True


def reveal_contact_details(
    contact: ContactDetails, *, actor, reason: str, urgent_welfare: bool = False, group: SupportGroup | None = None
) -> ContactDetails:
    """Let a trustee, or a leader in an urgent welfare situation, see a member's contact details.

    A reason is required; the reveal is logged for the member to see, audited, and an urgent welfare
    reveal by a leader tells the trustees at once (without the details).
    """
    reason = _required_text(reason, what="why you need to see these details", field="reason")
    if is_trustee(actor):
        role, group = ContactAccess.Role.TRUSTEE, None
        urgent_welfare = False
    else:
        allowed = welfare_groups(actor, contact.user)
        if group is not None:
            allowed = allowed.filter(pk=group.pk)
        group = allowed.first()
        if not urgent_welfare or group is None:
            raise PermissionDenied(
                "Only the safeguarding leads, or a leader of this person's group in an urgent welfare "
                "situation, can see contact details."
            )
        role = ContactAccess.Role.LEADER
    with transaction.atomic():
        access = ContactAccess.objects.create(
            member_id=contact.user_id,
            viewed_by=actor,
            role=role,
            group=group,
            urgent_welfare=urgent_welfare,
            reason=reason,
        )
        record(
            "safeguarding.contact.viewed",
            actor=actor,
            subject=contact,
            data={
                "member_id": contact.user_id,
                "access_id": access.pk,
                "role": role,
                "urgent_welfare": urgent_welfare,
                "group_id": group.pk if group else None,
            },
        )
        if urgent_welfare:
            tasks.email_trustees_about_urgent_reveal.delay_on_commit(access.pk)
    return contact


# --- concerns and cases -------------------------------------------------------------------------


def raise_concern(
    *,
    raised_by,
    group: SupportGroup,
    category: str,
    risk_level: str,
    details: str,
    about_user=None,
    about: str = Concern.About.SELF,
    to_trustees: bool = False,
    source: str = Concern.Source.MEMBER,
    session=None,
    happened_at: datetime | None = None,
) -> Concern:
    """Record a concern with the group's leaders, or with the trustees, and tell them it exists.

    A concern goes to the trustees only (never shown or emailed to the group's leaders) when the raiser asks
    for that, or when it is about a leader of the group.
    """
    errors = {}
    if category not in Concern.Category.values:
        errors["category"] = "Please choose what the concern is about."
    if risk_level not in Concern.RiskLevel.values:
        errors["risk_level"] = "Please choose how urgent it feels."
    if about not in Concern.About.values:
        errors["about"] = "Please choose who the concern is about."
    try:
        details = _required_text(details, what="what is worrying you", field="details")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if about not in (Concern.About.MEMBER, Concern.About.LEADER):
        about_user = None
    elif about_user is not None and not Membership.objects.filter(group=group, user=about_user).exists():
        errors["about_user"] = "Please choose a member of this group."
    elif about == Concern.About.LEADER and about_user is not None and not leads_group(about_user, group.pk):
        errors["about_user"] = "Please choose one of the group's leaders."
    if session is not None and session.group_id != group.pk:
        errors["session"] = "That session belongs to another group."
    if happened_at is not None and happened_at > timezone.now():
        errors["happened_at"] = "Please give a time that has already passed."
    if errors:
        raise ValidationError(errors)

    membership = Membership.objects.filter(group=group, user=raised_by, status=Membership.Status.ACTIVE).first()
    leads = membership is not None and membership.role == Membership.Role.LEADER
    if membership is None and not is_trustee(raised_by):
        raise PermissionDenied("You can raise a concern with the leaders of groups you belong to.")
    if source == Concern.Source.SESSION and not (leads or is_trustee(raised_by)):
        raise PermissionDenied("Only the group's leaders record concerns during a session.")
    if source == Concern.Source.MEMBER and leads:
        source = Concern.Source.LEADER
    # Anyone may go straight to the trustees; a concern about a leader always does, so that the leader it
    # is about (and their co-leaders, who may be close to them) never read it nor are told of it.
    about_a_leader = about == Concern.About.LEADER or category == Concern.Category.LEADER_CONDUCT
    if about_user is not None and leads_group(about_user, group.pk):
        about_a_leader, about = True, Concern.About.LEADER  # recorded as such, so no page shows it to leaders
    to_trustees = bool(to_trustees or about_a_leader)

    with transaction.atomic():
        concern = Concern.objects.create(
            group=group,
            raised_by=raised_by,
            about=about,
            about_user=about_user,
            category=category,
            risk_level=risk_level,
            details=details,
            to_trustees=to_trustees,
            source=source,
            session=session,
            happened_at=happened_at,
        )
        record(
            "safeguarding.concern.raised",
            actor=raised_by,
            subject=concern,
            data={
                "group_id": group.pk,
                "category": category,
                "risk_level": risk_level,
                "about": about,
                "about_user_id": about_user.pk if about_user else None,
                "to_trustees": to_trustees,
                "source": source,
                "session_id": session.pk if session else None,
            },
        )
        tasks.email_concern_raised.delay_on_commit(concern.pk)
    return concern


def read_concern(concern: Concern, *, reader) -> Concern:
    """Someone opens a concern's details: every read by anyone but the raiser is audited."""
    if concern_role(reader, concern) not in {"trustee", "leader"} and concern.raised_by_id != reader.pk:
        raise PermissionDenied("Only the group's leaders and the safeguarding leads can read concerns.")
    if concern.raised_by_id != reader.pk:
        with transaction.atomic():
            record("safeguarding.concern.read", actor=reader, subject=concern, data={"group_id": concern.group_id})
    return concern


def _ensure_can_work(concern: Concern, actor) -> None:
    if concern_role(actor, concern) not in {"trustee", "leader"}:
        raise PermissionDenied("Only the group's leaders and the safeguarding leads can work on a concern.")


def change_concern_status(concern: Concern, *, actor, status: str, reason: str = "") -> Concern:
    """Move a concern/case along new → in review → action taken → closed (audited). Closing needs a reason."""
    _ensure_can_work(concern, actor)
    if status not in Concern.Status.values:
        raise ValidationError({"status": "Please choose a status."})
    if status == Concern.Status.CLOSED and concern.status != Concern.Status.CLOSED:
        reason = _required_text(reason, what="why the case can be closed", field="reason")
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.status == status:
            return locked
        if not locked.can_move_to(status):
            raise ValidationError(
                {"status": f"A concern that is {locked.get_status_display().lower()} can't move to that status."}
            )
        previous = locked.status
        now = timezone.now()
        locked.status = status
        locked.status_changed_at = now
        locked.closed_at = now if status == Concern.Status.CLOSED else None
        if status == Concern.Status.CLOSED:
            locked.close_reason = reason
        locked.save(update_fields=["status", "status_changed_at", "closed_at", "close_reason"])
        record(
            "safeguarding.concern.status_changed",
            actor=actor,
            subject=locked,
            data={"from": previous, "to": status, "reason": reason if status == Concern.Status.CLOSED else ""},
        )
    concern.status, concern.status_changed_at, concern.closed_at = status, now, locked.closed_at
    concern.close_reason = locked.close_reason
    return locked


def escalate_concern(concern: Concern, *, actor) -> Concern:
    """A leader passes a concern raised with them to the trustees (who are told it exists)."""
    _ensure_can_work(concern, actor)
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.escalated_at is not None or locked.to_trustees:
            return locked
        locked.escalated_at = timezone.now()
        locked.save(update_fields=["escalated_at"])
        record("safeguarding.concern.escalated", actor=actor, subject=locked, data={"group_id": locked.group_id})
        tasks.email_concern_raised.delay_on_commit(locked.pk)
    concern.escalated_at = locked.escalated_at
    return locked


def assign_case(concern: Concern, *, actor, assignee) -> Concern:
    """A trustee assigns a case to a safeguarding lead (or unassigns it with None)."""
    if not is_trustee(actor):
        raise PermissionDenied("Only the safeguarding leads assign cases.")
    if assignee is not None and not is_trustee(assignee):
        raise ValidationError({"assigned_to": "Cases can only be assigned to a safeguarding lead."})
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.assigned_to_id == (assignee.pk if assignee else None):
            return locked
        previous = locked.assigned_to_id
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to"])
        record(
            "safeguarding.case.assigned",
            actor=actor,
            subject=locked,
            data={"from_user_id": previous, "to_user_id": assignee.pk if assignee else None},
        )
    concern.assigned_to = assignee
    return locked


def add_case_note(concern: Concern, *, actor, text: str, happened_at: datetime | None = None) -> CaseNote:
    """Add one entry to a case's chronology (notes are never edited: corrections are new notes).

    `happened_at` is when what the note describes happened, kept apart from when it is recorded (now).
    """
    from safeguarding.case_services import role_of

    if not is_trustee(actor):
        raise PermissionDenied("Only the safeguarding leads add case notes.")
    text = _required_text(text, what="the note", field="text")
    if happened_at is not None and happened_at > timezone.now():
        raise ValidationError({"happened_at": "What a note describes can't have happened in the future."})
    with transaction.atomic():
        note = CaseNote.objects.create(
            concern=concern, author=actor, author_role=role_of(actor), text=text, happened_at=happened_at
        )
        record(
            "safeguarding.case.note_added",
            actor=actor,
            subject=concern,
            data={"note_id": note.pk, "happened_at": happened_at},
        )
    return note
