"""The member's own contact details page: consent, view, change, withdraw, and who viewed them."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from safeguarding import services
from safeguarding.models import ContactDetails
from tests.safeguarding.conftest import ADDRESS, PHONE

URL = reverse("safeguarding:my_contact_details")
WITHDRAW = reverse("safeguarding:withdraw_contact_details")

FORM = {
    "phone": PHONE,
    "emergency_contact_name": "Robin",
    "emergency_contact_phone": "07700 900456",
    "address": ADDRESS,
    "notes": "",
}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anyone_signed_in_can_open_their_own_page(cast, auth_client):
    response = auth_client(cast.outsider).get(URL)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert b"Nobody has viewed your contact details" in response.content


def test_saving_without_consent_is_refused_and_nothing_is_stored(cast, auth_client):
    response = auth_client(cast.member).post(URL, FORM)

    assert response.status_code == 200
    assert b"Please tick the box" in response.content
    assert b'aria-invalid="true"' in response.content
    assert not ContactDetails.objects.exists()


def test_saving_with_consent_stores_the_details_encrypted_and_audits_without_them(cast, auth_client):
    response = auth_client(cast.member).post(URL, {**FORM, "consent": "on"})

    assert response.status_code == 302
    contact = ContactDetails.objects.get(user=cast.member)
    assert contact.phone == PHONE
    assert contact.consent_given_at is not None
    event = AuditEvent.objects.get(action="safeguarding.contact.saved")
    assert event.actor_id == cast.member.pk
    assert PHONE not in str(event.data) and "phone" in event.data["fields_changed"]


def test_an_empty_form_is_refused_kindly(cast, auth_client):
    response = auth_client(cast.member).post(URL, {"consent": "on"})

    assert b"Please fill in at least one detail" in response.content
    assert not ContactDetails.objects.exists()


def test_the_member_sees_and_can_change_their_details(cast, auth_client, contact_for):
    contact_for(cast.member)
    client = auth_client(cast.member)

    page = client.get(URL)
    client.post(URL, {**FORM, "phone": "0113 496 0000", "consent": "on"})

    assert PHONE.encode() in page.content
    assert ContactDetails.objects.get(user=cast.member).phone == "0113 496 0000"
    assert AuditEvent.objects.filter(action="safeguarding.contact.saved").count() == 2


def test_nobody_else_sees_a_members_details_on_this_page(cast, auth_client, contact_for):
    contact_for(cast.member)

    response = auth_client(cast.leader).get(URL)

    assert PHONE.encode() not in response.content


def test_withdrawing_deletes_the_values_and_keeps_an_audit_event(cast, auth_client, contact_for):
    contact_for(cast.member)

    response = auth_client(cast.member).post(WITHDRAW)

    assert response.status_code == 302
    assert not ContactDetails.objects.filter(user=cast.member).exists()
    event = AuditEvent.objects.get(action="safeguarding.contact.withdrawn")
    assert event.actor_id == cast.member.pk


def test_withdraw_needs_a_post(cast, auth_client):
    assert auth_client(cast.member).get(WITHDRAW).status_code == 405


def test_withdraw_needs_sign_in(client):
    assert client.post(WITHDRAW).status_code == 302


def test_the_page_shows_who_viewed_the_details_and_why_in_plain_words(cast, auth_client, contact_for):
    contact = contact_for(cast.member)
    services.reveal_contact_details(contact, actor=cast.trustee, reason="We could not reach you after the session.")

    response = auth_client(cast.member).get(URL)

    text = response.content.decode()
    assert "your details were viewed by" in text
    assert "Trustee Tess" in text
    assert "one of the charity's safeguarding leads" in text
    assert "We could not reach you after the session." in text


@pytest.mark.parametrize("user_attr", ["member", "leader"])
def test_the_account_page_shows_the_access_log(cast, auth_client, contact_for, user_attr):
    user = getattr(cast, user_attr)
    contact = contact_for(user)
    services.reveal_contact_details(contact, actor=cast.trustee, reason="Checking in after a worrying message.")

    response = auth_client(user).get(reverse("members:profile"))

    assert b"Who has viewed my contact details" in response.content
    assert b"Checking in after a worrying message." in response.content
