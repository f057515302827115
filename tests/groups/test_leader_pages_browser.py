"""In real Chromium at 320px: the leaders' pages fit the screen and have no serious accessibility problems."""

import pytest
from django.conf import settings
from django.test import Client

from groups import invitations

pytestmark = pytest.mark.browser


def signed_in_page(browser_context, live, user, *, width: int = 320):
    """A browser page carrying user's session (made with the test client: leaders' two-step sign-in is not the
    subject here, and is tested in tests/members)."""
    client = Client()
    client.force_login(user)
    context = browser_context(viewport={"width": width, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live.url}])
    return context.new_page()


@pytest.mark.parametrize("path", ["members/", "guidelines/edit/", ""])
def test_leader_pages_fit_a_small_phone_and_pass_axe(path, live_asgi, browser_context, cast):
    from axe_playwright_python.sync_playwright import Axe

    invitations.create_invitation(cast.group, actor=cast.leader, note="For someone with a long name to remember")
    page = signed_in_page(browser_context, live_asgi, cast.leader)
    page.goto(f"{live_asgi.url}/groups/{cast.group.slug}/{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scrolling
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []


def test_leader_makes_an_invitation_and_copies_the_link(live_asgi, browser_context, cast):
    from playwright.sync_api import expect

    page = signed_in_page(browser_context, live_asgi, cast.leader, width=1280)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_asgi.url)
    page.goto(f"{live_asgi.url}/groups/{cast.group.slug}/members/")
    page.get_by_label("Who is it for? (optional)").fill("Sam")
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    assert link.startswith(f"{live_asgi.url}/groups/invite/")
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#copy-status")).to_have_text("The link is copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
