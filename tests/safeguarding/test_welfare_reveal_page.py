"""The leader's urgent welfare reveal page: the permission ladder, the reason, the audit."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from safeguarding.models import ContactAccess
from tests.safeguarding.conftest import PHONE


def url(cast, user=None) -> str:
    return reverse("safeguarding:welfare_reveal", args=[cast.group.slug, (user or cast.member).pk])


@pytest.fixture
def contact(cast, contact_for):
    return contact_for(cast.member)


def test_anonymous_visitor_is_sent_to_sign_in(client, cast):
    response = client.get(url(cast))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["outsider", "other_leader", "pending"])
def test_people_outside_the_group_get_404_or_403(cast, auth_client, who, contact):
    status = auth_client(getattr(cast, who)).get(url(cast)).status_code
    assert status == (403 if who == "pending" else 404)


def test_a_member_of_the_group_is_refused(cast, auth_client, contact):
    assert auth_client(cast.member).get(url(cast, cast.co_leader)).status_code == 403


def test_a_trustee_who_is_not_a_leader_uses_the_admin_instead(cast, auth_client, contact):
    assert auth_client(cast.trustee).get(url(cast)).status_code == 404


def test_a_leader_sees_the_form_but_not_the_details(cast, auth_client, contact):
    response = auth_client(cast.leader).get(url(cast))

    assert response.status_code == 200
    assert b"Why do you need to see these details?" in response.content
    assert PHONE.encode() not in response.content
    assert not ContactAccess.objects.exists()


def test_a_member_of_another_group_is_404_for_the_leader(cast, auth_client, membership_factory, user_factory):
    stranger = membership_factory(cast.other_group).user
    assert auth_client(cast.leader).get(url(cast, stranger)).status_code == 404


def test_posting_without_a_reason_shows_an_error_and_reveals_nothing(cast, auth_client, contact):
    response = auth_client(cast.leader).post(url(cast), {"reason": "  "})

    assert response.status_code == 200
    assert b"Please write why you need to see these details." in response.content
    assert PHONE.encode() not in response.content
    assert not AuditEvent.objects.filter(action="safeguarding.contact.viewed").exists()


def test_posting_a_reason_shows_the_details_audits_and_tells_the_trustees(
    cast, auth_client, contact, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(cast.leader).post(url(cast), {"reason": "No reply since they said goodbye."})

    assert response.status_code == 200
    assert PHONE.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="safeguarding.contact.viewed", actor_id=cast.leader.pk).exists()
    assert [m.to for m in mailoutbox] == [[cast.trustee.email]]


def test_the_member_then_sees_who_looked_and_why(cast, auth_client, contact):
    auth_client(cast.leader).post(url(cast), {"reason": "No reply since they said goodbye."})

    page = auth_client(cast.member).get(reverse("safeguarding:my_contact_details")).content.decode()

    assert "Leader Lee" in page and "a leader of Evening group" in page
    assert "they were worried about your welfare" in page
    assert "No reply since they said goodbye." in page


def test_a_member_without_details_gets_a_kind_message(cast, auth_client):
    response = auth_client(cast.leader).get(url(cast))

    assert response.status_code == 200
    assert b"hasn't shared any contact details" in response.content
