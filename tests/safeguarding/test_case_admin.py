"""Casework in the trustees' admin: the case page's inlines obey the same rules as the services, audited."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AuditEvent
from safeguarding import case_services
from safeguarding.casework import DSL_GROUP, CaseFlag, Referral, SeriousIncident, SignOff
from safeguarding.models import Concern
from tests.safeguarding.admin_forms import change_form_data


@pytest.fixture
def dsl(trustee_factory):
    lead = trustee_factory(display_name="Dana Designated")
    lead.groups.add(Group.objects.get_or_create(name=DSL_GROUP)[0])
    return lead


@pytest.fixture
def case(concern_factory):
    return concern_factory()


def page(concern) -> str:
    return reverse("admin:safeguarding_concern_change", args=[concern.pk])


def post_case(client, concern, **changes):
    """Open the case page, then send it back with these changes (as a trustee would in the browser)."""
    data = change_form_data(client.get(page(concern)))
    data.update(changes)
    return client.post(page(concern), data)


def test_closing_in_the_admin_without_a_reason_is_refused(cast, auth_client, case):
    response = post_case(auth_client(cast.trustee), case, status="closed")

    assert response.status_code == 200
    assert b"Please write why the case can be closed." in response.content
    case.refresh_from_db()
    assert case.status == Concern.Status.NEW


def test_closing_in_the_admin_with_a_reason(cast, auth_client, case):
    response = post_case(auth_client(cast.trustee), case, status="closed", closing_reason="Member safe, GP involved.")

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (Concern.Status.CLOSED, "Member safe, GP involved.")


def test_a_referral_added_in_the_admin_is_audited(cast, auth_client, case):
    response = post_case(
        auth_client(cast.trustee),
        case,
        **{
            "referrals-TOTAL_FORMS": "1",
            "referrals-0-agency": "police",
            "referrals-0-referred_on": date.today().isoformat(),
            "referrals-0-their_reference": "CAD 4471",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Referral.objects.get().their_reference == "CAD 4471"
    assert AuditEvent.objects.filter(action="safeguarding.case.referral_added").count() == 1


def test_unflagging_in_the_admin_needs_a_reason(cast, auth_client, case):
    flag = case_services.flag_case(case, actor=cast.trustee, kind="police_involved")
    client = auth_client(cast.trustee)

    response = post_case(client, case, **{"flags-0-remove": "on", "flags-0-removal_reason": ""})

    assert response.status_code == 200 and b"Please write why the flag can be removed." in response.content
    assert CaseFlag.objects.get(pk=flag.pk).is_active

    response = post_case(client, case, **{"flags-0-remove": "on", "flags-0-removal_reason": "Enquiry closed."})
    assert response.status_code == 302
    assert not CaseFlag.objects.get(pk=flag.pk).is_active


def test_sign_off_in_the_admin_by_a_trustee_who_is_not_the_lead_is_refused(cast, auth_client, case, dsl):
    case_services.request_sign_off(case, actor=cast.trustee, step="assessment")

    response = post_case(auth_client(cast.trustee), case, **{"sign_offs-0-action": "sign_off"})

    assert response.status_code == 200
    assert b"Only a designated safeguarding lead can sign off" in response.content
    assert SignOff.objects.get().status == SignOff.Status.REQUESTED

    response = post_case(auth_client(dsl), case, **{"sign_offs-0-action": "sign_off"})
    assert response.status_code == 302
    sign_off = SignOff.objects.get()
    assert (sign_off.status, sign_off.signed_off_by) == (SignOff.Status.SIGNED_OFF, dsl)


def test_a_decision_not_to_report_in_the_admin_needs_its_reason(cast, auth_client, case):
    client = auth_client(cast.trustee)
    fields = {"serious_incident-TOTAL_FORMS": "1", "serious_incident-0-decision": "not_reporting"}

    response = post_case(client, case, **fields)
    assert response.status_code == 200 and not SeriousIncident.objects.exists()

    response = post_case(client, case, **fields, **{"serious_incident-0-not_reporting_reason": "No one was harmed."})
    assert response.status_code == 302
    assert SeriousIncident.objects.get().not_reporting_reason == "No one was harmed."


def test_the_case_page_shows_who_viewed_or_changed_it(cast, auth_client, case, trustee_factory):
    other = trustee_factory(display_name="Tom Otherlead")
    auth_client(other).get(page(case))

    body = auth_client(cast.trustee).get(page(case)).content.decode()

    assert "Who viewed or changed this case" in body
    history = body.split('class="case-history"', 1)[1].split("</table>", 1)[0]
    assert "Tom Otherlead" in history and "read" in history and "Member Mo" in history
