"""A member's rights over their data: download everything held about them, and erase their account.

Export: one JSON document with every record about the person, protected fields decrypted (it is
their own data), including who viewed their contact details. Concerns other people raised about
them and the trustees' case notes are safeguarding records and are not part of it.

Erasure: the account row stays as an anonymous tombstone ("Former member"), so that the safeguarding
records which must be kept (concerns they raised, removals, the audit trail) stay linked together
without naming anyone: that is the pseudonymisation. Everything else that belongs to the person is
deleted: profile, email addresses, two-step keys, contact details and their access log, memberships,
agreements, attendance, camera-off notices, calendar feed, admin log entries about them, and any
other row that would be deleted with the account (found through the model registry).
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from care.models import Conversation, FollowUp
from core.audit import record
from core.models import AuditEvent
from groups.models import Membership
from safeguarding.datarights_services import record_self_service_download
from safeguarding.models import Concern, ContactAccess, ContactDetails, Removal
from sessions.models import Attendance, CameraOffNotice
from wellbeing.checkin.models import CheckInAnswer, CheckInOptOut
from wellbeing.checkin.questions import QUESTIONS
from wellbeing.models import SafetyPlan

ERASED_NAME = "Former member"
ERASED_EMAIL_DOMAIN = "erased.invalid"


class ErasureRefused(Exception):
    """The account cannot be erased this way; str(exception) says why, kindly."""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- export --------------------------------------------------------------------------------------


def export_user_data(user, *, actor=None) -> dict[str, Any]:
    """Everything held about the user, decrypted, as a JSON-ready dict. Audited as members.data.exported."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "about_this_file": (
            "Everything Peer Support holds about you. Concerns other people raised about you and the "
            "safeguarding leads' case notes are safeguarding records and are not included; you can ask "
            "the charity about them."
        ),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "pronouns": user.pronouns,
            "time_zone": user.time_zone,
            "email_reminders": user.email_reminders,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
    }
    data["email_addresses"] = _email_addresses(user)
    data["two_step_verification"] = _mfa(user)
    data["memberships"] = [
        {
            "group": m.group.name,
            "role": m.role,
            "status": m.status,
            "asked_to_join_at": _iso(m.requested_at),
            "joined_at": _iso(m.joined_at),
            "status_changed_at": _iso(m.status_changed_at),
            "note_when_asking_to_join": m.request_note,
        }
        for m in Membership.objects.filter(user=user).select_related("group").order_by("requested_at")
    ]
    data["agreements"] = [
        {"group": a.version.group.name, "guidelines_version": a.version.number, "agreed_at": _iso(a.agreed_at)}
        for a in user.agreements.select_related("version__group").order_by("agreed_at")
    ]
    data["attendance"] = _attendance(user)
    data["camera_off_notices"] = _camera_off(user)
    data["contact_details"] = _contact_details(user)
    data["safety_plan"] = _safety_plan(user)
    data["wellbeing_check_ins"] = _wellbeing_check_ins(user)
    data["wellbeing_check_in_switched_off"] = CheckInOptOut.objects.filter(user=user).exists()
    data["contact_details_access_log"] = [
        {
            "viewed_at": _iso(a.created_at),
            "viewed_by": a.viewed_by.display_name if a.viewed_by else None,
            "as": a.get_role_display(),
            "group": a.group.name if a.group else None,
            "urgent_welfare": a.urgent_welfare,
            "reason": a.reason,
        }
        for a in ContactAccess.objects.filter(member=user).select_related("viewed_by", "group")
    ]
    data["concerns_raised"] = [
        _concern_raised(c, user)
        for c in Concern.objects.filter(raised_by=user).select_related("group").order_by("created_at")
    ]
    data["removals"] = [
        {
            "group": r.membership.group.name,
            "kind": r.kind,
            "reasons": r.reason_labels(),
            "decided_at": _iso(r.created_at),
            "until": _iso(r.until),
            "ended_at": _iso(r.lifted_at),
        }
        for r in Removal.objects.filter(membership__user=user).select_related("membership__group")
    ]
    data["conversations_with_leaders"] = _conversations(user)
    data["follow_ups_about_you"] = _follow_ups(user)
    data["audit_events_about_your_actions"] = [
        {"at": _iso(e.created_at), "action": e.action, "subject": e.subject_label}
        for e in AuditEvent.objects.filter(actor_id=user.pk).order_by("id")
    ]
    with transaction.atomic():
        record("members.data.exported", actor=actor or user, subject=user, data={"user_id": user.pk})
        if actor is None or actor.pk == user.pk:
            # The member's own download: safeguarding records it as an access request done at once.
            record_self_service_download(user=user)
    return data


def _concern_raised(concern: Concern, user) -> dict:
    """A concern about oneself in full; about someone else (a member, the group), only that it was raised
    and when: its words are that person's data, and the raiser may since have stepped down."""
    about_self = concern.about == Concern.About.SELF and concern.about_user_id in (None, user.pk)
    if not about_self:
        return {"raised_at": _iso(concern.created_at), "group": concern.group.name, "about": "someone else"}
    return {
        "raised_at": _iso(concern.created_at),
        "group": concern.group.name,
        "about": concern.about,
        "category": concern.get_category_display(),
        "risk_level": concern.risk_level,
        "details": concern.details,
        "status": concern.get_status_display(),
    }


def _conversations(user) -> list[dict]:
    """The member's conversations with their groups' leaders (care/), every message decrypted."""
    found = Conversation.objects.filter(member=user).select_related("group").prefetch_related("messages__author")
    return [
        {
            "group": c.group.name,
            "started_at": _iso(c.created_at),
            "messages": [
                {
                    "at": _iso(m.created_at),
                    "from": "you"
                    if m.author_id == user.pk
                    else (m.author.display_name if m.author else "a former leader") + " (leader)",
                    "text": m.body,
                }
                for m in c.messages.all()
            ],
        }
        for c in found.order_by("created_at")
    ]


def _follow_ups(user) -> list[dict]:
    """What a group's leaders noted to do for the member after a session (care/): the kind, when, how it
    ended and, for an open item from a debrief, the leaders' words (about the member, so theirs to see; the
    form tells leaders so). Not who wrote it or took it on. Items about nobody in particular are not here."""
    found = FollowUp.objects.filter(member=user).select_related("group").order_by("created_at", "id")
    return [
        {
            "group": f.group.name,
            "kind": f.get_kind_display(),
            "happened_at": _iso(f.happened_at),
            "what_the_leaders_noted": f.what or None,
            "status": "open" if f.is_open else "closed",
            "outcome": f.get_outcome_display() or None,
            "closed_at": _iso(f.closed_at),
        }
        for f in found
    ]


def _email_addresses(user) -> list[dict]:
    model = EmailAddress
    return [{"email": e.email, "verified": e.verified, "primary": e.primary} for e in model.objects.filter(user=user)]


def _mfa(user) -> dict:
    model = Authenticator
    # The secrets themselves are never exported: they would let anyone who sees the file sign in.
    kinds = sorted(model.objects.filter(user=user).values_list("type", flat=True))
    return {"enabled": bool(kinds), "methods": kinds}


def _attendance(user) -> list[dict]:
    model = Attendance
    return [
        {
            "group": a.session.group.name,
            "session": a.session.topic,
            "session_starts_at": _iso(a.session.starts_at),
            "joined_at": _iso(a.joined_at),
            "left_at": _iso(getattr(a, "left_at", None)),
        }
        for a in model.objects.filter(user=user).select_related("session__group").order_by("joined_at")
    ]


def _camera_off(user) -> list[dict]:
    model = CameraOffNotice
    return [
        {
            "group": n.group.name,
            "session": n.session.topic if n.session else None,
            "standing": n.standing,
            "reason": n.reason,
            "given_at": _iso(n.created_at),
            "withdrawn_at": _iso(n.withdrawn_at),
        }
        for n in model.objects.filter(user=user).select_related("group", "session").order_by("created_at")
    ]


def _safety_plan(user) -> dict | None:
    """The member's own safety plan (wellbeing app), decrypted, and whose leaders it is shared with."""
    plan = SafetyPlan.objects.filter(user=user).first()
    if plan is None:
        return None
    return {
        **{section["title"]: section["text"] for section in plan.sections()},
        "shared_with_the_leaders_of": [group.name for group in plan.shared_with.order_by("name")],
        "created_at": _iso(plan.created_at),
        "updated_at": _iso(plan.updated_at),
    }


def _wellbeing_check_ins(user) -> list[dict]:
    """The member's monthly ONS4 answers (wellbeing/checkin/), decrypted, and the months they skipped."""
    found = CheckInAnswer.objects.filter(user=user).select_related("group").order_by("month", "id")
    return [
        {
            "group": answer.group.name,
            "month": answer.month.strftime("%Y-%m"),
            "at": _iso(answer.created_at),
            "skipped": answer.skipped,
            "answers": None if answer.skipped else {question: answer.scores()[key] for key, question in QUESTIONS},
        }
        for answer in found
    ]


def _contact_details(user) -> dict | None:
    contact = ContactDetails.objects.filter(user=user).first()
    if contact is None:
        return None
    return {
        "phone": contact.phone,
        "emergency_contact_name": contact.emergency_contact_name,
        "emergency_contact_phone": contact.emergency_contact_phone,
        "address": contact.address,
        "notes": contact.notes,
        "consent_given_at": _iso(contact.consent_given_at),
        "updated_at": _iso(contact.updated_at),
    }


# --- erasure -------------------------------------------------------------------------------------

# Rows pointing at the user that are kept, linked to the anonymous tombstone: safeguarding records
# and group history that must outlive the account. Everything else that CASCADEs is deleted.
KEPT_ON_ERASURE = {
    "safeguarding.Concern",
    "safeguarding.Removal",
    "safeguarding.CaseNote",
    "safeguarding.AuditEvent",
    "care.Conversation",  # only those kept with a concern are left by then (erase_account)
}


def erase_account(user, *, actor) -> None:
    """Erase the person's account: personal data deleted, kept safeguarding records pseudonymised."""
    if user.is_staff or user.is_superuser:
        raise ErasureRefused(
            "Staff and trustee accounts are closed by the charity, so that safeguarding work is handed over. "
            "Please ask another trustee."
        )
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        record("members.account.erased", actor=actor, subject=user, data={"user_id": user.pk})

        # Memberships named by a removal stay (the removal must be kept), emptied and marked "left".
        kept = Membership.objects.filter(user=user, removals__isnull=False).distinct()
        for membership in kept:
            membership.request_note = ""
            fields = ["request_note"]
            if hasattr(membership, "decline_message"):
                membership.decline_message = ""
                fields.append("decline_message")
            membership.save(update_fields=fields)
            if membership.status != Membership.Status.LEFT:
                membership.set_status(Membership.Status.LEFT)
        Membership.objects.filter(user=user).exclude(pk__in=kept.values("pk")).delete()

        # Conversations go with the account, except one kept with a concern (the case keeps it, pseudonymised).
        Conversation.objects.filter(member=user, concern__isnull=True).delete()
        _delete_related_rows(user)
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).delete()
        user.groups.clear()
        user.user_permissions.clear()

        user.email = f"erased-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}"
        user.display_name = ERASED_NAME
        user.pronouns = ""
        user.time_zone = User._meta.get_field("time_zone").get_default()
        user.email_reminders = False
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
        user.save(
            update_fields=[
                "email",
                "display_name",
                "pronouns",
                "time_zone",
                "email_reminders",
                "is_active",
                "last_login",
                "password",
            ]
        )


def _delete_related_rows(user) -> None:
    """Delete every row that would go with the account if it were deleted (CASCADE), except kept records."""
    # include_hidden: a foreign key declared with related_name="+" (join tickets, sent-email claims, read marks,
    # private words) is left out of `_meta.related_objects`, but its rows still say who came, read or was seen.
    for relation in user._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
            continue
        if relation.on_delete is not models.CASCADE:
            continue
        model = relation.related_model
        if model._meta.label in KEPT_ON_ERASURE or model is Membership:
            continue
        model._base_manager.filter(**{relation.field.name: user}).delete()
