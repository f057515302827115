"""Downloading my data: everything about me (decrypted, with the access log), nothing about anyone else."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from core.models import AuditEvent
from groups.models import Membership
from safeguarding import services

URL = reverse("members:download_my_data")


def fill_in_everything(cast, session_factory, user, *, tag: str):
    """Give `user` one of every kind of record, each carrying `tag` so the export can be searched."""
    from sessions.models import Attendance, CameraOffNotice

    contact = services.save_contact_details(
        user=user, consent=True, phone=f"phone-{tag}", address=f"address-{tag}", notes=f"notes-{tag}"
    )
    services.reveal_contact_details(contact, actor=cast.trustee, reason=f"reason-{tag}")
    group = Membership.objects.filter(user=user).first().group
    services.raise_concern(raised_by=user, group=group, category="other", risk_level="low", details=f"concern-{tag}")
    session = session_factory(group, starts_in=timedelta(days=-1))
    Attendance.objects.create(session=session, user=user)
    CameraOffNotice.objects.create(group=group, user=user, session=session, reason=f"camera-{tag}")


@pytest.fixture
def two_people(cast, session_factory):
    fill_in_everything(cast, session_factory, cast.member, tag="MINE")
    fill_in_everything(cast, session_factory, cast.co_leader, tag="THEIRS")


def download(client) -> dict:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.post(URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_download_is_a_post(cast, auth_client):
    assert auth_client(cast.member).get(URL).status_code == 405


def test_the_my_data_page_opens_for_anyone_signed_in(cast, auth_client, client):
    assert client.get(reverse("members:my_data")).status_code == 302
    assert auth_client(cast.outsider).get(reverse("members:my_data")).status_code == 200


def test_the_export_holds_all_my_data_decrypted(cast, auth_client, two_people):
    data = download(auth_client(cast.member))

    assert data["account"]["email"] == cast.member.email
    assert data["account"]["display_name"] == "Member Mo"
    assert [m["group"] for m in data["memberships"]] == ["Evening group"]
    assert data["agreements"][0]["guidelines_version"] == 1
    assert data["contact_details"]["phone"] == "phone-MINE"
    assert data["contact_details_access_log"][0]["reason"] == "reason-MINE"
    assert data["contact_details_access_log"][0]["viewed_by"] == "Trustee Tess"
    assert [c["details"] for c in data["concerns_raised"]] == ["concern-MINE"]
    assert len(data["attendance"]) == 1
    assert data["camera_off_notices"][0]["reason"] == "camera-MINE"
    assert data["email_addresses"][0]["email"] == cast.member.email


def test_the_export_holds_nothing_about_anyone_else(cast, auth_client, two_people):
    text = json.dumps(download(auth_client(cast.member)))

    assert "THEIRS" not in text
    assert cast.co_leader.email not in text and "Co Leader" not in text


def test_the_export_never_includes_sign_in_secrets(cast, auth_client):
    from allauth.mfa.models import Authenticator

    data = download(auth_client(cast.leader))

    secret = Authenticator.objects.get(user=cast.leader).data.get("secret")
    assert data["two_step_verification"] == {"enabled": True, "methods": ["totp"]}
    assert secret not in json.dumps(data)
    assert "password" not in json.dumps(data["account"])


def test_the_export_is_audited(cast, auth_client):
    download(auth_client(cast.member))

    event = AuditEvent.objects.get(action="members.data.exported")
    assert event.actor_id == cast.member.pk and event.data == {"user_id": cast.member.pk}
