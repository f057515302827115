"""The case chronology as a PDF: it opens, holds every entry in time order, nothing of another case, audited."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from safeguarding import case_services, services
from safeguarding.casework import DSL_GROUP

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (apt: poppler-utils)")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "chronology.pdf"
    path.write_bytes(content)
    # pdftotext fails on anything that is not a well-formed PDF: this is the "it opens" check.
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


@pytest.fixture
def worked_case(cast, concern_factory, trustee_factory):
    """A case with one of each kind of entry, recorded out of the order in which things happened."""
    lead = trustee_factory(display_name="Dana Designated")
    lead.groups.add(Group.objects.get_or_create(name=DSL_GROUP)[0])
    now = timezone.now()
    concern = concern_factory(
        details="ENTRY-A the member said they felt unsafe at home.", happened_at=now - timedelta(days=3)
    )
    services.add_case_note(concern, actor=cast.trustee, text="ENTRY-C called the member back.")
    services.add_case_note(
        concern, actor=cast.trustee, text="ENTRY-B leader told me on the phone.", happened_at=now - timedelta(days=2)
    )
    case_services.add_referral(
        concern, actor=cast.trustee, agency="adult_social_care", referred_on=date.today(), their_reference="ASC-77"
    )
    case_services.request_sign_off(concern, actor=cast.trustee, step="closure")
    case_services.sign_off(concern, actor=lead, step="closure")
    services.change_concern_status(concern, actor=cast.trustee, status="closed", reason="ENTRY-Z member is safe now.")
    return concern


def download(client, concern):
    return client.get(reverse("admin:safeguarding_concern_chronology", args=[concern.pk]))


def test_the_pdf_holds_every_entry_in_order_with_author_role_and_is_marked_confidential(
    cast, auth_client, worked_case, concern_factory, tmp_path
):
    other = concern_factory(details="OTHER-CASE words that belong elsewhere.")
    services.add_case_note(other, actor=cast.trustee, text="OTHER-CASE note.")

    response = download(auth_client(cast.trustee), worked_case)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content, tmp_path)
    assert "CONFIDENTIAL" in text
    # In the order things happened: B before C though recorded after it; the referral (dated today) before C,
    # recorded just now; the closing last.
    positions = [text.index(marker) for marker in ("ENTRY-A", "ENTRY-B", "ASC-77", "ENTRY-C", "ENTRY-Z")]
    assert positions == sorted(positions), text
    assert "Member Mo (Member)" in text and "Trustee Tess (Trustee (safeguarding lead))" in text
    assert "Signed off by the designated safeguarding lead" in text and "Dana Designated" in text
    assert "OTHER-CASE" not in text


def test_every_export_is_audited(cast, auth_client, worked_case):
    client = auth_client(cast.trustee)
    download(client, worked_case)
    download(client, worked_case)

    exports = AuditEvent.objects.filter(action="safeguarding.case.chronology_exported", actor_id=cast.trustee.pk)
    assert exports.count() == 2
    assert exports.first().subject_id == str(worked_case.pk)


@pytest.mark.parametrize("who", ["leader", "member"])
def test_nobody_but_a_trustee_gets_the_pdf(cast, auth_client, worked_case, who):
    response = download(auth_client(getattr(cast, who)), worked_case)

    assert response.status_code == 302 and response["Content-Type"] != "application/pdf"
    assert not AuditEvent.objects.filter(action="safeguarding.case.chronology_exported").exists()


def test_anonymous_is_sent_to_sign_in(client, worked_case):
    response = download(client, worked_case)
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_case_is_not_found(cast, auth_client):
    response = auth_client(cast.trustee).get(reverse("admin:safeguarding_concern_chronology", args=[999999]))
    assert response.status_code in (302, 404)
