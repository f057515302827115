"""A case's chronology: every entry in time order, with who (and in what role), when it happened and when it
was recorded, in plain words; as a PDF marked confidential, for the police, a regulator or the person.

The test a chronology must pass: could the police understand this in five years? So each entry names the
person in full, their role, both times, and says what happened in a sentence. Each export is audited.
The PDF is drawn by WeasyPrint from a template; it may fetch nothing (no network, no files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import record
from safeguarding.case_services import case_history, role_of
from safeguarding.casework import SeriousIncident
from safeguarding.models import Concern


@dataclass
class Entry:
    recorded_at: datetime
    what: str
    author: str
    role: str
    happened_at: datetime | None = None
    text: str = ""
    order: int = 0
    date_only: bool = False  # only the day is known (a referral's date, a flag's date)

    @property
    def when(self) -> datetime:
        return self.happened_at or self.recorded_at


def _name(user) -> str:
    return user.display_name if user is not None else "Someone whose account was erased"


ABOUT = {"self": "the person who raised it", "member": "another member", "leader": "a leader", "group": "the group"}


def entries(concern: Concern) -> list[Entry]:
    """Every entry of the case, oldest first (by when it happened, else when it was recorded)."""
    found: list[Entry] = []
    raiser_role = {"member": "Member", "leader": "Group leader", "session": "Group leader, during a session"}
    found.append(
        Entry(
            recorded_at=concern.created_at,
            happened_at=concern.happened_at,
            what=f"Concern raised ({concern.get_category_display().lower()}, "
            f"risk: {concern.get_risk_level_display().lower()}), about "
            + (_name(concern.about_user) if concern.about_user else ABOUT.get(concern.about, concern.about))
            + f", in the group “{concern.group.name}”.",
            author=_name(concern.raised_by),
            role=raiser_role.get(concern.source, "Member"),
            text=concern.details,
        )
    )
    for note in concern.notes.select_related("author"):
        found.append(
            Entry(
                recorded_at=note.created_at,
                happened_at=note.happened_at,
                what="Case note.",
                author=_name(note.author),
                role=note.author_role or role_of(note.author),
                text=note.text,
            )
        )
    for referral in concern.referrals.select_related("created_by"):
        agency = referral.agency_name or referral.get_agency_display()
        reference = f" Their reference: {referral.their_reference}." if referral.their_reference else ""
        found.append(
            Entry(
                recorded_at=referral.created_at,
                happened_at=timezone.make_aware(datetime.combine(referral.referred_on, datetime.min.time())),
                date_only=True,
                what=f"Referred to {agency}.{reference}",
                author=_name(referral.created_by),
                role=role_of(referral.created_by),
                text=f"Outcome ({referral.outcome_on or 'date not recorded'}): {referral.outcome}"
                if referral.outcome
                else "",
            )
        )
    for flag in concern.flags.select_related("flagged_by", "removed_by"):
        found.append(
            Entry(
                recorded_at=timezone.make_aware(datetime.combine(flag.flagged_on, datetime.min.time())),
                date_only=True,
                what=f"Flag added: {flag.get_kind_display()}.",
                author=_name(flag.flagged_by),
                role=role_of(flag.flagged_by),
            )
        )
        if flag.removed_at:
            found.append(
                Entry(
                    recorded_at=flag.removed_at,
                    what=f"Flag removed: {flag.get_kind_display()}.",
                    author=_name(flag.removed_by),
                    role=role_of(flag.removed_by),
                    text=f"Why: {flag.removal_reason}",
                )
            )
    for sign_off in concern.sign_offs.select_related("requested_by", "signed_off_by"):
        if sign_off.requested_at:
            found.append(
                Entry(
                    recorded_at=sign_off.requested_at,
                    what=f"Sign-off asked for: {sign_off.get_step_display().lower()}.",
                    author=_name(sign_off.requested_by),
                    role=role_of(sign_off.requested_by),
                )
            )
        if sign_off.signed_off_at:
            found.append(
                Entry(
                    recorded_at=sign_off.signed_off_at,
                    what=f"Signed off by the designated safeguarding lead: {sign_off.get_step_display().lower()}.",
                    author=_name(sign_off.signed_off_by),
                    role="Designated safeguarding lead",
                )
            )
    incident = SeriousIncident.objects.filter(concern=concern).select_related("decided_by").first()
    if incident is not None and incident.decided_at:
        if incident.decision == SeriousIncident.Decision.REPORT:
            reference = incident.commission_reference or "not yet given"
            what = f"Trustees decided to report a serious incident to the Charity Commission (reference: {reference})."
            text = incident.what_happened
        else:
            what, text = "Trustees decided not to report this to the Charity Commission.", incident.not_reporting_reason
        found.append(
            Entry(
                recorded_at=incident.decided_at,
                what=what,
                author=_name(incident.decided_by),
                role=role_of(incident.decided_by),
                text=text,
            )
        )
    labels = dict(Concern.Status.choices)
    for event in case_history(concern).filter(
        action__in=["safeguarding.concern.status_changed", "safeguarding.concern.escalated"]
    ):
        if event.action.endswith("escalated"):
            what, text = "Passed by the group's leaders to the safeguarding leads.", ""
        else:
            to = event.data.get("to", "")
            what = f"Status changed from “{labels.get(event.data.get('from'), '?')}” to “{labels.get(to, to)}”."
            text = f"Why it was closed: {concern.close_reason}" if to == Concern.Status.CLOSED else ""
        found.append(
            Entry(
                recorded_at=event.created_at, what=what, author=_name(event.actor), role=role_of(event.actor), text=text
            )
        )
    for order, entry in enumerate(found):
        entry.order = order
    return sorted(found, key=lambda e: (e.when, e.recorded_at, e.order))


def _no_fetching(url: str, *args, **kwargs):
    """The chronology is drawn from our template alone: WeasyPrint may not fetch any URL or file."""
    raise ValueError(f"The chronology PDF does not load outside resources ({url[:40]}).")


def render_pdf(concern: Concern, *, actor) -> bytes:
    """The chronology as a PDF (audited: who exported which case, and how many entries it held)."""
    from weasyprint import HTML

    items = entries(concern)
    html = render_to_string(
        "safeguarding/chronology.html",
        {"concern": concern, "entries": items, "exported_by": _name(actor), "exported_at": timezone.now()},
    )
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    with transaction.atomic():
        record(
            "safeguarding.case.chronology_exported",
            actor=actor,
            subject=concern,
            data={"entries": len(items), "format": "pdf"},
        )
    return pdf


def pdf_response(concern: Concern, *, actor) -> HttpResponse:
    response = HttpResponse(render_pdf(concern, actor=actor), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{concern.pk}-chronology.pdf"'
    response["Cache-Control"] = "no-cache, no-store, must-revalidate, private"
    return response
