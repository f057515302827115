"""A trustee invites someone by email to lead a group from the group's admin page; nobody else can."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from groups import invitations
from groups.models import Invitation, Membership
from tests.fixtures.factories import enable_mfa


def invite_url(group) -> str:
    return reverse("admin:groups_supportgroup_invite_leader", args=[group.pk])


@pytest.fixture
def staff_not_trustee(user_factory):
    """A staff user who may change groups in the admin but is not in the Trustees group."""
    user = user_factory(is_staff=True, display_name="Staff Sam")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="groups"))
    enable_mfa(user)
    return user


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client, cast):
    response = client.get(invite_url(cast.group))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "leader", "outsider"])
def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(cast, auth_client, who):
    response = auth_client(getattr(cast, who)).post(invite_url(cast.group), {"email": "lee@example.org"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Invitation.objects.exists()


def test_a_staff_user_who_is_not_a_trustee_is_refused(auth_client, cast, staff_not_trustee):
    client = auth_client(staff_not_trustee)
    assert client.get(invite_url(cast.group)).status_code == 403
    assert client.post(invite_url(cast.group), {"email": "lee@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_unknown_group_is_not_found(auth_client, cast):
    response = auth_client(cast.trustee).get(reverse("admin:groups_supportgroup_invite_leader", args=[999999]))
    assert response.status_code == 404


def test_the_groups_admin_page_links_to_it(auth_client, cast):
    page = auth_client(cast.trustee).get(reverse("admin:groups_supportgroup_change", args=[cast.group.pk]))
    assert invite_url(cast.group) in page.content.decode()


def test_a_trustee_invites_a_leader_who_accepts_and_leads(auth_client, cast, user_factory, settings):
    settings.SITE_URL = "https://peersupport.example.org"
    client = auth_client(cast.trustee)
    assert client.get(invite_url(cast.group)).status_code == 200
    page = client.post(invite_url(cast.group), {"email": "lee@example.org"}).content.decode()
    (email,) = mail.outbox
    assert email.to == ["lee@example.org"]
    link = re.search(r"https://peersupport\.example\.org/groups/invite/\S+/", email.body).group(0)
    assert link in page  # shown once to the trustee too, in case the email does not arrive
    invitation = Invitation.objects.get()
    assert invitation.role == Membership.Role.LEADER and invitation.created_by == cast.trustee
    token = link.rstrip("/").rsplit("/", 1)[1]
    membership = invitations.accept_invitation(token, user=user_factory("lee@example.org"))
    assert membership.is_leader


def test_a_bad_address_makes_no_invitation(auth_client, cast):
    response = auth_client(cast.trustee).post(invite_url(cast.group), {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Please give an email address." in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_when_smtp_fails_the_trustee_gets_the_link_to_pass_on(auth_client, cast, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    page = auth_client(cast.trustee).post(invite_url(cast.group), {"email": "lee@example.org"}).content.decode()
    assert "could not be sent (ConnectionRefusedError: Connection refused)" in page
    assert re.search(r"/groups/invite/\S+/", page)
    assert Invitation.objects.usable().count() == 1
