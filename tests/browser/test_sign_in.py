"""The demo member signs in through the real login page, in real Chromium, against a live ASGI server."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


def test_demo_member_signs_in_and_sees_their_group(live_asgi, browser_context, settings):
    settings.DEBUG = True  # seed_demo only runs in development mode
    call_command("seed_demo", stdout=io.StringIO())
    from peersupport.management.commands.seed_demo import DEMO_PASSWORD

    page = browser_context().new_page()
    page.goto(f"{live_asgi.url}/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("alex@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="My groups").first.click()
    assert page.get_by_role("heading", name="My groups").is_visible()
    assert page.get_by_role("link", name="Evening Peer Support", exact=True).is_visible()
    assert page.get_by_role("link", name="Come in to the session of Evening Peer Support").is_visible()  # open now
    # Signed in: the navigation offers "Sign out", not "Sign in".
    assert page.get_by_role("button", name="Sign out").is_visible()
