"""Signing in cannot be forced: throttling holds against spoofed headers, and the admin has no back door.

Django's own admin login form checks a password and nothing else: no rate limit, no second factor.
peersupport/urls.py sends it to allauth's sign-in (allauth's `secure_admin_login`), so trustees
pass the same throttle and two-step verification as everyone else. tests/members/test_accounts.py
covers the ordinary throttle and the leader's second factor.
"""

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth.models import Group
from django.urls import reverse

from members.roles import TRUSTEES_GROUP, sync_trustees_group
from tests.fixtures.factories import TEST_PASSWORD, enable_mfa

# settings.ACCOUNT_RATE_LIMITS["login_failed"] allows 10 failures a minute from one address.
FAILURES_PER_ADDRESS = 10


@pytest.fixture
def trustee_with_secret(user_factory):
    sync_trustees_group()
    trustee = user_factory("trustee.tess@example.org", is_staff=True)
    trustee.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
    return trustee, enable_mfa(trustee)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def throttled(response) -> bool:
    """allauth answers 429 for too many attempts, or shows the form again with this error for failures."""
    return response.status_code == 429 or b"Too many failed login attempts" in response.content


def test_the_admin_sign_in_page_sends_people_to_the_apps_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/safeguarding/concern/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "%2Fadmin%2F" in response["Location"]


def test_a_password_posted_to_the_admin_sign_in_signs_nobody_in(client, trustee_with_secret):
    trustee, _ = trustee_with_secret
    response = client.post("/admin/login/", {"username": trustee.email, "password": TEST_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_trustee_gives_the_second_factor_before_the_admin_opens(client, trustee_with_secret):
    trustee, secret = trustee_with_secret
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": trustee.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302

    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_guessing_passwords_for_the_admin_is_throttled(client, trustee_with_secret):
    """The admin's sign-in is allauth's: after the failures allowed, even the right password is refused."""
    trustee, _ = trustee_with_secret
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 failures per account in 5 minutes
        assert not throttled(client.post(login_url, {"login": trustee.email, "password": "guess"}))
    response = client.post(login_url, {"login": trustee.email, "password": TEST_PASSWORD})
    assert throttled(response)
    assert not signed_in(client)
    # And posting straight to Django's admin form gets nowhere at all.
    for _ in range(3):
        client.post("/admin/login/", {"username": trustee.email, "password": TEST_PASSWORD})
    assert not signed_in(client)


def guess_from_many_addresses(client, user_factory, *, forwarded_for) -> list[bool]:
    """Wrong passwords for different accounts (so no per-account limit applies), each with its own
    X-Forwarded-For header; returns whether each guess was throttled."""
    codes = []
    for n in range(FAILURES_PER_ADDRESS + 2):
        person = user_factory(f"stuffed{n}@example.org")
        response = client.post(
            reverse("account_login"),
            {"login": person.email, "password": "from-a-leaked-list"},
            HTTP_X_FORWARDED_FOR=forwarded_for(n),
        )
        codes.append(throttled(response))
    return codes


def test_credential_stuffing_is_throttled_per_address_whatever_forwarded_for_says(client, user_factory):
    codes = guess_from_many_addresses(client, user_factory, forwarded_for=lambda n: f"203.0.113.{n}")
    assert codes[:FAILURES_PER_ADDRESS] == [False] * FAILURES_PER_ADDRESS
    assert codes[-1] is True


def test_positive_control_trusting_the_header_would_let_the_spoofer_through(client, user_factory, settings):
    """The test above can fail: with the header trusted, each guess seems to come from a new address."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    codes = guess_from_many_addresses(client, user_factory, forwarded_for=lambda n: f"203.0.113.{n}")
    assert True not in codes


def test_behind_one_proxy_only_the_address_the_proxy_saw_counts(client, user_factory, settings):
    """With TRUSTED_PROXY_COUNT=1 the proxy appends the real address; what the client made up comes first."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    codes = guess_from_many_addresses(client, user_factory, forwarded_for=lambda n: f"203.0.113.{n}, 198.51.100.7")
    assert codes[-1] is True


# --- a trustee's laptop is stolen while signed in ----------------------------------------------------------


def test_disabling_the_account_ends_every_sign_in_it_has(client, trustee_with_secret):
    """The charity disables the stolen account: the sign-in left open on the laptop opens nothing more."""
    trustee, _ = trustee_with_secret
    client.force_login(trustee)
    assert client.get("/admin/").status_code == 200
    trustee.is_active = False
    trustee.save(update_fields=["is_active"])
    assert client.get("/admin/").status_code == 302
    response = client.get(reverse("members:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_new_password_ends_the_sign_in_on_the_stolen_laptop(trustee_with_secret):
    from django.test import Client

    trustee, _ = trustee_with_secret
    laptop, phone = Client(), Client()
    laptop.force_login(trustee)
    phone.force_login(trustee)
    response = phone.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": "a-brand-new-password-2", "password2": "a-brand-new-password-2"},
    )
    assert response.status_code == 302
    assert phone.get("/admin/").status_code == 200  # the person changing it stays signed in...
    assert laptop.get("/admin/").status_code == 302  # ...the other sign-in is over
