"""In real Chromium at 320px: the safeguarding pages fit a small phone, pass axe, and work by their labels."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from safeguarding import removals, services
from safeguarding.models import ContactDetails, Removal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser_context, live, user, *, width: int = 320):
    """A browser page carrying the user's session (the two-step sign-in is tested in tests/members)."""
    client = Client()
    client.force_login(user)
    context = browser_context(viewport={"width": width, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live.url}])
    return context.new_page()


def serious_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]


def test_member_pages_fit_a_small_phone_and_pass_axe(live_asgi, browser_context, cast):
    contact = services.save_contact_details(user=cast.member, consent=True, phone="07700 900123", address="A long road")
    services.reveal_contact_details(contact, actor=cast.trustee, reason="We were worried after Tuesday's session.")
    concern = services.raise_concern(
        raised_by=cast.member, group=cast.group, category="other", risk_level="low", details="Something"
    )
    page = signed_in_page(browser_context, live_asgi, cast.member)
    for path in (
        "/safeguarding/contact-details/",
        f"/safeguarding/groups/{cast.group.slug}/concerns/new/",
        "/safeguarding/concerns/",
        f"/safeguarding/concerns/{concern.pk}/",
        "/me/",
        "/me/data/",
        "/me/data/erase/",
    ):
        page.goto(f"{live_asgi.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert serious_problems(page) == [], path


def test_leader_pages_fit_a_small_phone_and_pass_axe(live_asgi, browser_context, cast):
    services.save_contact_details(user=cast.member, consent=True, phone="07700 900123")
    concern = services.raise_concern(
        raised_by=cast.member, group=cast.group, category="risk_to_self", risk_level="high", details="Worried"
    )
    membership = cast.group.memberships.get(user=cast.suspended)
    removal = removals.remove_member(membership, actor=cast.leader, kind="permanent", reasons=["other"])
    page = signed_in_page(browser_context, live_asgi, cast.leader)
    slug = cast.group.slug
    for path in (
        f"/safeguarding/groups/{slug}/",
        f"/safeguarding/groups/{slug}/concerns/",
        f"/safeguarding/concerns/{concern.pk}/",
        f"/safeguarding/groups/{slug}/members/{cast.member.pk}/welfare-reveal/",
        f"/safeguarding/groups/{slug}/members/{cast.member.pk}/remove/",
        f"/safeguarding/removals/{removal.pk}/reinstate/",
        f"/safeguarding/groups/{slug}/concerns/new/",
    ):
        page.goto(f"{live_asgi.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert serious_problems(page) == [], path


def test_a_member_saves_their_contact_details_by_label(live_asgi, browser_context, cast):
    page = signed_in_page(browser_context, live_asgi, cast.member)
    page.goto(f"{live_asgi.url}/safeguarding/contact-details/")

    page.get_by_label("Your phone number").fill("07700 900777")
    page.get_by_role("button", name="Save my details").click()
    assert page.get_by_text("Please tick the box to say you agree").is_visible()  # consent is required
    page.get_by_label("I agree to Peer Support keeping these details").check()
    page.get_by_role("button", name="Save my details").click()

    assert page.get_by_text("Your contact details are saved securely").is_visible()
    assert ContactDetails.objects.get(user=cast.member).phone == "07700 900777"


def test_a_leader_removes_a_member_for_a_while_by_label(live_asgi, browser_context, cast):
    page = signed_in_page(browser_context, live_asgi, cast.leader, width=1280)
    page.goto(f"{live_asgi.url}/safeguarding/groups/{cast.group.slug}/members/{cast.member.pk}/remove/")

    page.get_by_label("For a while, until a date").check()
    page.get_by_label("Until (for a temporary removal)").fill("2099-01-31T18:00")
    page.get_by_label("Repeatedly talking over others who are speaking").check()
    page.get_by_label("We had a 1-1 conversation about this").check()
    page.get_by_role("button", name="Remove from the group").click()

    expect(page.get_by_text("has been removed from the group")).to_be_visible()  # waits for the page after the post
    removal = Removal.objects.get()
    assert removal.kind == "temporary" and removal.one_to_one_held and removal.until.year == 2099
