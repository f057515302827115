"""The case rules a regulator relies on, at the service level: each refused without what it needs, audited."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from safeguarding import case_services, services
from safeguarding.casework import DSL_GROUP, CaseFlag, Referral, SeriousIncident, SignOff
from safeguarding.models import Concern
from tests.safeguarding.conftest import audit_actions


@pytest.fixture
def dsl(trustee_factory):
    """A trustee who is a designated safeguarding lead."""
    lead = trustee_factory(display_name="Dana Designated")
    lead.groups.add(Group.objects.get_or_create(name=DSL_GROUP)[0])
    return lead


@pytest.fixture
def case(concern_factory):
    return concern_factory()


# --- happened and recorded ---------------------------------------------------------------------------------


def test_a_note_keeps_when_it_happened_apart_from_when_it_was_recorded(cast, case):
    happened = timezone.now() - timedelta(days=3)
    note = services.add_case_note(case, actor=cast.trustee, text="Phoned the member.", happened_at=happened)

    assert note.happened_at == happened and note.created_at > happened
    assert note.author_role == "Trustee (safeguarding lead)"


def test_a_note_about_the_future_is_refused(cast, case):
    with pytest.raises(ValidationError):
        services.add_case_note(case, actor=cast.trustee, text="x", happened_at=timezone.now() + timedelta(hours=2))


# --- closing -----------------------------------------------------------------------------------------------


def test_closing_without_a_reason_is_refused_and_changes_nothing(cast, case):
    with pytest.raises(ValidationError) as exc:
        services.change_concern_status(case, actor=cast.trustee, status=Concern.Status.CLOSED, reason="  ")

    assert "reason" in exc.value.message_dict
    case.refresh_from_db()
    assert case.status == Concern.Status.NEW and case.closed_at is None


def test_closing_with_a_reason_keeps_it_encrypted_and_out_of_the_audit_trail(cast, case):
    services.change_concern_status(case, actor=cast.trustee, status=Concern.Status.CLOSED, reason="Member is safe.")

    case.refresh_from_db()
    assert case.status == Concern.Status.CLOSED and case.close_reason == "Member is safe."
    event = AuditEvent.objects.filter(action="safeguarding.concern.status_changed").latest("id")
    assert "Member is safe." not in str(event.data)


# --- referrals ---------------------------------------------------------------------------------------------


def test_a_referral_records_agency_date_reference_and_outcome(cast, case):
    referral = case_services.add_referral(
        case, actor=cast.trustee, agency="adult_social_care", referred_on=date.today(), their_reference="ASC-123"
    )
    case_services.update_referral(referral, actor=cast.trustee, outcome="Assessment offered.", outcome_on=date.today())

    referral.refresh_from_db()
    assert (referral.agency, referral.their_reference, referral.outcome) == (
        "adult_social_care",
        "ASC-123",
        "Assessment offered.",
    )
    assert audit_actions()[-2:] == ["safeguarding.case.referral_added", "safeguarding.case.referral_updated"]


@pytest.mark.parametrize(
    "values",
    [
        {"agency": "", "referred_on": date.today()},
        {"agency": "police"},
        {"agency": "police", "referred_on": date.today() + timedelta(days=2)},
        {"agency": "other", "referred_on": date.today()},
        {"agency": "police", "referred_on": date.today(), "outcome_on": date.today() - timedelta(days=5)},
    ],
    ids=["no-agency", "no-date", "future", "other-unnamed", "outcome-before-referral"],
)
def test_a_referral_without_what_it_needs_is_refused(cast, case, values):
    with pytest.raises(ValidationError):
        case_services.add_referral(case, actor=cast.trustee, **values)
    assert not Referral.objects.exists()


def test_leaders_cannot_work_a_case(cast, case):
    with pytest.raises(PermissionDenied):
        case_services.add_referral(case, actor=cast.leader, agency="police", referred_on=date.today())


# --- sign-off ----------------------------------------------------------------------------------------------


def test_a_trustee_asks_and_the_designated_lead_signs_off_with_who_and_when(cast, case, dsl):
    requested = case_services.request_sign_off(case, actor=cast.trustee, step="assessment")
    assert (requested.status, requested.requested_by) == (SignOff.Status.REQUESTED, cast.trustee)

    signed = case_services.sign_off(case, actor=dsl, step="assessment")

    assert (signed.status, signed.signed_off_by) == (SignOff.Status.SIGNED_OFF, dsl)
    assert signed.signed_off_at is not None
    assert audit_actions()[-2:] == ["safeguarding.case.sign_off_requested", "safeguarding.case.signed_off"]


@pytest.mark.parametrize("who", ["trustee", "leader"])
def test_sign_off_by_someone_who_is_not_a_designated_lead_is_refused(cast, case, who):
    case_services.request_sign_off(case, actor=cast.trustee, step="closure")

    with pytest.raises(PermissionDenied):
        case_services.sign_off(case, actor=getattr(cast, who), step="closure")
    assert SignOff.objects.get().status == SignOff.Status.REQUESTED


def test_a_step_not_yet_asked_for_reads_not_requested(cast, case):
    assert SignOff(concern=case, step="referral").get_status_display() == "Not requested"


# --- flags -------------------------------------------------------------------------------------------------


def test_a_flag_has_a_date_and_removing_it_needs_a_reason(cast, case):
    flag = case_services.flag_case(case, actor=cast.trustee, kind="police_involved", flagged_on=date(2026, 11, 1))

    for nothing in ("", "\u200b", "\u00a0\u2060"):  # visible text only (issue #15)
        with pytest.raises(ValidationError):
            case_services.unflag_case(flag, actor=cast.trustee, reason=nothing)
    flag.refresh_from_db()
    assert flag.is_active and flag.flagged_on == date(2026, 11, 1)

    case_services.unflag_case(flag, actor=cast.trustee, reason="Police closed their enquiry.")
    flag.refresh_from_db()
    assert not flag.is_active and flag.removal_reason == "Police closed their enquiry."
    assert CaseFlag.objects.filter(pk=flag.pk).exists()  # kept, as removed
    assert audit_actions()[-2:] == ["safeguarding.case.flagged", "safeguarding.case.unflagged"]


def test_the_same_flag_twice_is_refused(cast, case):
    case_services.flag_case(case, actor=cast.trustee, kind="watch")
    with pytest.raises(ValidationError):
        case_services.flag_case(case, actor=cast.trustee, kind="watch")


# --- serious incident --------------------------------------------------------------------------------------


def test_a_decision_not_to_report_needs_the_reason(cast, case):
    with pytest.raises(ValidationError) as exc:
        case_services.save_serious_incident(case, actor=cast.trustee, decision="not_reporting")
    assert "not_reporting_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        case_services.save_serious_incident(
            case, actor=cast.trustee, decision="not_reporting", not_reporting_reason="\u200b\u200b"
        )
    assert "not_reporting_reason" in exc.value.message_dict

    incident = case_services.save_serious_incident(
        case, actor=cast.trustee, decision="not_reporting", not_reporting_reason="No harm came to anyone."
    )
    assert (incident.decided_by, incident.not_reporting_reason) == (cast.trustee, "No harm came to anyone.")


def test_a_report_holds_the_commissions_fields_and_its_reference(cast, case):
    with pytest.raises(ValidationError) as exc:
        case_services.save_serious_incident(case, actor=cast.trustee, decision="report")
    assert {"what_happened", "found_out_at"} <= set(exc.value.message_dict)

    now = timezone.now()
    incident = case_services.save_serious_incident(
        case,
        actor=cast.trustee,
        decision="report",
        what_happened="A leader shared a member's details.",
        happened_at=now - timedelta(days=2),
        found_out_at=now - timedelta(days=1),
        other_bodies_told="ICO, ref IC-1",
        policies_followed="partly",
        reported_at=now,
        commission_reference="INC-42",
    )
    assert (incident.decision, incident.commission_reference) == (SeriousIncident.Decision.REPORT, "INC-42")
    event = AuditEvent.objects.filter(action="safeguarding.case.serious_incident_saved").get()
    assert "A leader shared" not in str(event.data) and "what_happened" in event.data["fields_changed"]


def test_the_charity_cannot_find_out_before_it_happened(cast, case):
    now = timezone.now()
    with pytest.raises(ValidationError):
        case_services.save_serious_incident(
            case,
            actor=cast.trustee,
            decision="report",
            what_happened="x",
            happened_at=now - timedelta(days=1),
            found_out_at=now - timedelta(days=2),
        )


# --- the case's own history --------------------------------------------------------------------------------


def test_the_case_history_holds_who_viewed_and_changed_it_and_nothing_of_other_cases(cast, case, concern_factory):
    other = concern_factory()
    services.read_concern(case, reader=cast.trustee)
    case_services.flag_case(case, actor=cast.trustee, kind="watch")
    services.read_concern(other, reader=cast.trustee)

    actions = [event.action for event in case_services.case_history(case)]

    assert actions == ["safeguarding.concern.raised", "safeguarding.concern.read", "safeguarding.case.flagged"]
