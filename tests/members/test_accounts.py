"""Sign-up with mandatory email verification, login, throttling, and MFA for leaders and trustees."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from members.models import User
from tests.fixtures.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()  # allauth keeps its rate-limit counters in the cache
    yield
    cache.clear()


def sign_up(client, email="new.person@example.org", display_name="Robin"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
            "display_name": display_name,
            "pronouns": "they/them",
        },
    )


def login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_sends_a_verification_email_and_keeps_the_display_name(client, db):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.display_name == "Robin"
    assert user.pronouns == "they/them"
    assert len(mail.outbox) == 1
    assert "new.person@example.org" in mail.outbox[0].to
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body)


def test_unverified_person_cannot_log_in_until_they_follow_the_email_link(client, db):
    sign_up(client)
    client.logout()

    response = login(client, "new.person@example.org")
    # allauth sends the person to "verify your email" instead of logging them in.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    response = login(client, "new.person@example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new.person@example.org").pk)


def test_verified_member_logs_in_and_sees_their_groups(client, user_factory):
    user = user_factory("member@example.org")
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get(reverse("groups:mine")).status_code == 200


def test_login_is_throttled_after_repeated_failures(client, user_factory):
    user = user_factory("target@example.org")
    for _ in range(5):
        response = login(client, user.email, "wrong-password")
        assert response.status_code == 200
    # The right password is refused too while the throttle holds: a guesser learns nothing.
    response = login(client, user.email)
    assert response.status_code == 429 or "_auth_user_id" not in client.session
    assert "_auth_user_id" not in client.session


def test_throttle_is_not_bypassed_by_a_spoofed_forwarded_for_header(client, user_factory):
    user = user_factory("target2@example.org")
    for n in range(5):
        login_response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        assert login_response.status_code == 200
    client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert "_auth_user_id" not in client.session


def test_leader_without_mfa_is_sent_to_set_it_up(client, user_factory, group_factory):
    from groups.models import Membership

    leader = user_factory()
    Membership.objects.create(
        group=group_factory(), user=leader, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    )
    login(client, leader.email)
    response = client.get(reverse("groups:mine"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before MFA set-up; then the set-up page opens.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    setup_page = client.get(reverse("mfa_activate_totp"))
    assert setup_page.status_code == 200
    assert b"secret" in setup_page.content.lower() or b"authenticator" in setup_page.content.lower()
    # Other pages stay closed until it is done.
    assert client.get(reverse("members:profile")).status_code == 302


def test_trustee_without_mfa_cannot_open_the_admin(client, user_factory):
    from django.contrib.auth.models import Group

    from members.roles import TRUSTEES_GROUP, sync_trustees_group

    sync_trustees_group()
    trustee = user_factory(is_staff=True)
    trustee.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
    client.force_login(trustee)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_trustee_with_mfa_opens_the_admin(client, trustee_factory):
    client.force_login(trustee_factory())
    assert client.get("/admin/").status_code == 200


def test_member_is_not_asked_for_mfa(client, cast):
    client.force_login(cast.member)
    assert client.get(reverse("groups:mine")).status_code == 200


def test_leader_login_asks_for_the_second_factor(client, cast):
    response = login(client, cast.leader.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email_with_a_link(client, user_factory):
    user = user_factory("forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
