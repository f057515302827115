"""Safeguarding fixtures: contact details, concerns and removals made through the real services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from groups.models import Membership
from safeguarding import removals, services
from safeguarding.models import Concern, ContactDetails, Removal
from tests.room.conftest import open_session, socket_for  # noqa: F401 - the room's fixtures, for socket tests

PHONE = "07700 900123"
EMERGENCY_NAME = "Robin Emergencycontact"
EMERGENCY_PHONE = "07700 900456"
ADDRESS = "12 Quiet Lane, Somewhere"
NOTES = "Best after six in the evening"
CONCERN_TEXT = "I am worried about what Sam said about not wanting to be here any more."


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@pytest.fixture
def contact_for(db):
    """contact_for(user) -> the user's ContactDetails, saved through the service (with consent)."""

    def make(user, **values) -> ContactDetails:
        values = {
            "phone": PHONE,
            "emergency_contact_name": EMERGENCY_NAME,
            "emergency_contact_phone": EMERGENCY_PHONE,
            "address": ADDRESS,
            "notes": NOTES,
            **values,
        }
        return services.save_contact_details(user=user, consent=True, **values)

    return make


@pytest.fixture
def concern_factory(cast):
    """concern_factory(**overrides) -> a concern raised by the cast's member with the group's leaders."""

    def make(**overrides) -> Concern:
        kwargs = {
            "raised_by": cast.member,
            "group": cast.group,
            "category": Concern.Category.RISK_TO_ADULT,
            "risk_level": Concern.RiskLevel.MEDIUM,
            "details": CONCERN_TEXT,
            **overrides,
        }
        return services.raise_concern(**kwargs)

    return make


@pytest.fixture
def removal_factory(cast):
    """removal_factory(user=member, kind="temporary", ...) -> a Removal decided by the cast's leader."""

    def make(user=None, *, kind=Removal.Kind.TEMPORARY, actor=None, **overrides) -> Removal:
        membership = Membership.objects.get(group=cast.group, user=user or cast.member)
        if kind == Removal.Kind.TEMPORARY:
            overrides.setdefault("until", timezone.now() + timedelta(days=14))
        overrides.setdefault("reasons", [Removal.Reason.TALKING_OVER])
        return removals.remove_member(membership, actor=actor or cast.leader, kind=kind, **overrides)

    return make


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


SECRET = "plaintext-that-must-never-reach-the-disk"


@pytest.fixture
def one_of_everything(cast, session_factory):
    """A row for every encrypted field in the project, each holding SECRET (plus its field name)."""
    from sessions.models import CameraOffNotice

    rows = {}

    def value(label):
        return f"{SECRET} {label}"

    contact = services.save_contact_details(
        user=cast.member,
        consent=True,
        phone=value("phone"),
        emergency_contact_name=value("emergency_contact_name"),
        emergency_contact_phone=value("emergency_contact_phone"),
        address=value("address"),
        notes=value("notes"),
    )
    for name in ("phone", "emergency_contact_name", "emergency_contact_phone", "address", "notes"):
        rows[("safeguarding.ContactDetails", name)] = contact.pk
    services.reveal_contact_details(contact, actor=cast.trustee, reason=value("reason"))
    rows[("safeguarding.ContactAccess", "reason")] = cast.member.contact_accesses.get().pk
    concern = services.raise_concern(
        raised_by=cast.member, group=cast.group, category="other", risk_level="low", details=value("details")
    )
    rows[("safeguarding.Concern", "details")] = concern.pk
    note = services.add_case_note(concern, actor=cast.trustee, text=value("text"))
    rows[("safeguarding.CaseNote", "text")] = note.pk
    rows |= _casework_rows(concern, cast.trustee, value)
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    removal = removals.remove_member(
        membership,
        actor=cast.leader,
        kind=Removal.Kind.TEMPORARY,
        reasons=["other"],
        until=timezone.now() + timedelta(days=1),
        note=value("note"),
    )
    removals.reinstate_member(removal, actor=cast.leader, note=value("lift_note"))
    rows[("safeguarding.Removal", "note")] = removal.pk
    rows[("safeguarding.Removal", "lift_note")] = removal.pk
    session = session_factory(cast.group, meeting_link=value("meeting_link"))
    rows[("group_sessions.GroupSession", "meeting_link")] = session.pk
    notice = CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=session, reason=value("reason"))
    rows[("group_sessions.CameraOffNotice", "reason")] = notice.pk
    asking = Membership.objects.get(group=cast.group, user=cast.pending)
    asking.request_note = value("request_note")
    asking.save(update_fields=["request_note"])
    rows[("groups.Membership", "request_note")] = asking.pk
    from care.conversations import start_conversation

    conversation = start_conversation(actor=cast.member, group=cast.group, body=value("body"))
    rows[("care.Message", "body")] = conversation.messages.get().pk
    from wellbeing import services as wellbeing_services
    from wellbeing.debrief_items import OpenItem
    from wellbeing.models import SAFETY_PLAN_SECTIONS

    plan = wellbeing_services.save_safety_plan(
        user=cast.member, sections={name: value(name) for name, _, _ in SAFETY_PLAN_SECTIONS}, shared_groups=[]
    )
    for name, _, _ in SAFETY_PLAN_SECTIONS:
        rows[("wellbeing.SafetyPlan", name)] = plan.pk
    session.status = session.Status.ENDED
    session.save(update_fields=["status"])
    debrief = wellbeing_services.add_debrief(
        session,
        actor=cast.leader,
        how_it_went=value("how_it_went"),
        carry_forward=value("carry_forward"),
        how_we_are=value("how_we_are"),
        open_items=[OpenItem(value("what"))],
    )
    for name in ("how_it_went", "carry_forward", "how_we_are"):
        rows[("wellbeing.Debrief", name)] = debrief.pk
    rows[("care.FollowUp", "what")] = debrief.follow_ups.get().pk

    from wellbeing.checkin.models import CheckInAnswer

    # The monthly check-in's answers (JSON in the app; any text will do for the column's test).
    answer = CheckInAnswer.objects.create(
        user=cast.member, group=cast.group, month=timezone.localdate().replace(day=1), answers=value("answers")
    )
    rows[("wellbeing.CheckInAnswer", "answers")] = answer.pk
    return rows


def _casework_rows(concern, trustee, value) -> dict:
    """A referral, a removed flag, a serious incident and a closing reason, each field holding SECRET."""
    from datetime import date

    from core.fields import EncryptedTextField
    from safeguarding import case_services
    from safeguarding.case_services import INCIDENT_FIELDS
    from safeguarding.casework import SeriousIncident

    rows = {}
    referral = case_services.add_referral(
        concern, actor=trustee, agency="police", referred_on=date.today(), outcome=value("outcome")
    )
    rows[("safeguarding.Referral", "outcome")] = referral.pk
    flag = case_services.flag_case(concern, actor=trustee, kind="watch")
    case_services.unflag_case(flag, actor=trustee, reason=value("removal_reason"))
    rows[("safeguarding.CaseFlag", "removal_reason")] = flag.pk
    texts = [name for name in INCIDENT_FIELDS if isinstance(SeriousIncident._meta.get_field(name), EncryptedTextField)]
    incident = case_services.save_serious_incident(
        concern,
        actor=trustee,
        decision="report",
        found_out_at=timezone.now(),
        **{name: value(name) for name in texts},
    )
    rows |= {("safeguarding.SeriousIncident", name): incident.pk for name in texts}
    services.change_concern_status(concern, actor=trustee, status="closed", reason=value("close_reason"))
    rows[("safeguarding.Concern", "close_reason")] = concern.pk
    rows |= _data_rights_rows(trustee, value)
    return rows


def _data_rights_rows(trustee, value) -> dict:
    from safeguarding import datarights_services

    request = datarights_services.record_request(
        actor=trustee, kind="access", received_on=timezone.localdate(), person_name="R", details=value("details")
    )
    datarights_services.extend(
        request, actor=trustee, reason=value("extension_reason"), person_told_on=timezone.localdate()
    )
    breach = datarights_services.save_breach(
        None,
        actor=trustee,
        what_happened=value("what_happened"),
        decision="not_reporting",
        not_reporting_reason=value("not_reporting_reason"),
        steps_taken=value("steps_taken"),
    )
    from safeguarding import suitability

    check = suitability.record_check(
        actor=trustee, person=trustee, kind="dbs_basic", done_on=timezone.localdate(), reference=value("reference")
    )
    return {
        ("safeguarding.SuitabilityCheck", "reference"): check.pk,
        ("safeguarding.DataRightsRequest", "details"): request.pk,
        ("safeguarding.DataRightsRequest", "extension_reason"): request.pk,
        ("safeguarding.Breach", "what_happened"): breach.pk,
        ("safeguarding.Breach", "not_reporting_reason"): breach.pk,
        ("safeguarding.Breach", "steps_taken"): breach.pk,
    }
