"""Care in real Chromium: axe on every new page, help one tap away in the room on a phone, and a keyboard-only
path from "I found that triggering" to the help page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_problems
from tests.browser.keyboard import focused, tab_to
from tests.browser.site_pages import LEADER, MEMBER, TRUSTEE
from wellbeing.models import CrisisLine, Debrief

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PAGES = {
    MEMBER: ["/wellbeing/help/", "/wellbeing/safety-plan/", "/wellbeing/safety-plan/print/", "/groups/{slug}/leave/"],
    LEADER: [
        "/groups/{slug}/settings/",
        "/wellbeing/groups/{slug}/safety-plans/",
        "/wellbeing/groups/{slug}/safety-plans/{member}/",
        "/wellbeing/sessions/{past}/debriefs/",
        "/sessions/{open}/dashboard/",
    ],
    TRUSTEE: [
        "/admin/wellbeing/crisisline/",
        "/admin/wellbeing/crisisline/{line}/change/",
        "/admin/wellbeing/debrief/",
        "/admin/wellbeing/debrief/{debrief}/change/",
    ],
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_the_new_pages_pass_axe_and_fit_a_small_phone(site, context_for, live_asgi, scheme, width):
    values = {
        "slug": site.cast.group.slug,
        "member": site.cast.member.pk,
        "past": site.past_session.pk,
        "open": site.open_session.pk,
        "line": CrisisLine.objects.first().pk,
        "debrief": Debrief.objects.first().pk,
    }
    problems = []
    for role, paths in NEW_PAGES.items():
        page = context_for(site.user(role), width=width, scheme=scheme).new_page()
        for path in paths:
            path = path.format(**values)
            response = page.goto(f"{live_asgi.url}{path}")
            assert response.status == 200, path
            if width == 320 and (wide := page.evaluate("document.documentElement.scrollWidth")) > 320:
                problems.append(f"{path}: scrolls sideways ({wide}px)")
            if path.startswith("/admin/"):  # static/js/admin-a11y.js names Django's widgets once they are built
                page.locator("html[data-admin-a11y=done]").wait_for(state="attached")
            problems.extend(f"{path}: {problem}" for problem in axe_problems(page))
    page = context_for(None, width=width, scheme=scheme).new_page()
    page.goto(f"{live_asgi.url}/wellbeing/help/")
    problems.extend(f"/wellbeing/help/ (anonymous): {problem}" for problem in axe_problems(page))
    assert not problems, "\n".join(problems)


def test_in_the_room_on_a_phone_help_is_one_tap_away(site, context_for, live_asgi):
    page = context_for(site.cast.member, width=375).new_page()
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/room/")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
    help_link = page.locator("header").get_by_role("link", name="Need help now?")
    expect(help_link).to_be_in_viewport()
    expect(page.get_by_role("link", name="My safety plan")).to_be_in_viewport()
    help_link.click()
    expect(page.get_by_role("heading", name="Need help now?")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Samaritans"))).to_have_attribute("href", "tel:116123")
    expect(page.get_by_role("link", name=re.compile("Shout"))).to_have_attribute("href", "sms:85258?body=SHOUT")


def test_keyboard_only_from_i_found_that_triggering_to_help(site, context_for, live_asgi):
    page = context_for(site.cast.member, width=420).new_page()
    page.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/room/")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
    expect(page.locator("#room-help")).to_be_hidden()

    tab_to(page, page.get_by_role("button", name="I found that triggering"))
    page.keyboard.press("Enter")
    help_box = page.locator("#room-help")
    expect(help_box).to_be_visible()
    expect(help_box).to_be_focused()  # focus lands on the help, not the top of the page
    expect(page.locator("#sr-status")).to_contain_text("The leaders have been told")

    page.keyboard.press("Tab")
    first = help_box.get_by_role("link").first
    expect(first).to_be_focused()
    assert first.get_attribute("href").startswith("tel:"), focused(page)
    tab_to(page, help_box.get_by_role("link", name="More help"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Need help now?")).to_be_visible()
    expect(page).to_have_url(re.compile("/wellbeing/help/$"))


def test_when_the_session_ends_the_member_sees_help(site, context_for, live_asgi):
    member = context_for(site.cast.member, width=375).new_page()
    member.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/room/")
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"))
    leader = context_for(site.cast.leader).new_page()
    leader.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/dashboard/")
    expect(leader.locator("#connection")).to_have_text(re.compile("Live"))
    leader.on("dialog", lambda dialog: dialog.accept())
    leader.get_by_role("button", name="End the session for everyone").click()
    # The member is taken to the leaving check-in (issue #16), which opens with the same short help.
    expect(member).to_have_url(re.compile(r"/room/left/$"))
    expect(member.locator(".help-box")).to_be_visible()
    expect(member.locator(".help-box a[href^='tel:']").first).to_be_visible()
