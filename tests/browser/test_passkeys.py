"""Passkeys (WebAuthn through allauth's MFA) for leaders and trustees, beside TOTP: the phishing-resistant
choice. In real Chromium, with a virtual authenticator from the DevTools protocol standing in for the
person's phone or security key."""

from urllib.parse import unquote

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.fixtures.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def with_virtual_authenticator(context, page) -> str:
    """A platform authenticator that says yes (user present and verified) to every request."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    answer = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page._cdp = cdp  # keep the session open as long as the page
    return answer["authenticatorId"]


def sign_in_with_password(page, url: str, email: str) -> None:
    page.goto(f"{url}{reverse('account_login')}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: reverse("account_login") not in u)


def at_localhost(live) -> str:
    """WebAuthn refuses an IP address as the site's identity (the relying party): use the name."""
    return f"http://localhost:{live.port}"


def test_a_new_leader_sets_up_a_passkey_and_signs_in_with_it(live_asgi, browser_context, cast, user_factory):
    from groups.models import Membership

    leader = user_factory(display_name="New Leader")
    Membership.objects.create(
        group=cast.group, user=leader, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    )
    url = at_localhost(live_asgi)
    members_page = f"{url}{reverse('groups:members', args=[cast.group.slug])}"
    context = browser_context()
    page = context.new_page()
    with_virtual_authenticator(context, page)

    # A leader without a second factor is asked to set one up; a passkey is offered beside the app.
    sign_in_with_password(page, url, leader.email)
    page.goto(members_page)
    assert reverse("mfa_activate_totp") in unquote(page.url)
    page.goto(f"{url}{reverse('mfa_add_webauthn')}")
    if reverse("account_reauthenticate") in page.url:  # allauth asks for the password again first
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(f"**{reverse('mfa_add_webauthn')}")
    page.get_by_label("Name").fill("My phone")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda u: reverse("mfa_add_webauthn") not in u)
    assert Authenticator.objects.filter(user=leader, type=Authenticator.Type.WEBAUTHN).exists()

    # The passkey counts as two-step verification: the leader's pages open.
    page.goto(members_page)
    assert page.url == members_page

    # Next time: the password, then the passkey instead of a code.
    page.get_by_role("button", name="Sign out").first.click()
    sign_in_with_password(page, url, leader.email)
    page.wait_for_url(f"**{reverse('mfa_authenticate')}")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(lambda u: reverse("mfa_authenticate") not in u)
    page.goto(members_page)
    assert page.url == members_page
    assert page.get_by_role("heading", level=1).is_visible()


def test_without_the_passkey_the_second_step_does_not_pass(live_asgi, browser_context, cast):
    """Control: a browser whose authenticator holds no key for the site is not let through by the button."""
    context = browser_context()
    page = context.new_page()
    with_virtual_authenticator(context, page)
    sign_in_with_password(page, at_localhost(live_asgi), cast.leader.email)  # the cast's leader has TOTP only
    page.wait_for_url(f"**{reverse('mfa_authenticate')}")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_timeout(1500)
    assert reverse("mfa_authenticate") in page.url
    page.goto(f"{at_localhost(live_asgi)}{reverse('groups:members', args=[cast.group.slug])}")
    assert reverse("account_login") in page.url or reverse("mfa_authenticate") in page.url
