"""A leader at 10 pm, on a phone, keyboard only: writes a debrief with an open item about a member who came and
one about the group, adds a row without losing a word, saves; both show on the follow-ups page and the
session's card. axe on each page as it changed (light and dark, 320 px)."""

import re

import pytest
from playwright.sync_api import expect

from care.models import FollowUp
from tests.browser.conftest import axe_problems
from tests.browser.keyboard import focused, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_axe_problems(page, where: str) -> None:
    problems = axe_problems(page)
    assert not problems, where + "\n" + "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_items_by_keyboard_on_a_phone_become_follow_ups(site, context_for, live_asgi, scheme):
    session = site.past_session
    before = FollowUp.objects.filter(kind="item").count()
    page = context_for(site.cast.co_leader, width=320, scheme=scheme).new_page()
    page.goto(f"{live_asgi.url}/wellbeing/sessions/{session.pk}/debriefs/")
    expect(page.get_by_role("heading", name="Open items from these debriefs")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    no_axe_problems(page, "the debrief page")

    tab_to(page, page.get_by_label("How did the session go?"))
    page.keyboard.type("Hard going, but people stayed kind.")
    first = page.get_by_role("group", name="Open item 1")
    tab_to(page, first.get_by_label("What needs doing"))
    page.keyboard.type("Ring Mo about the letter")
    page.keyboard.press("Tab")
    expect(first.get_by_label("About (optional)")).to_be_focused()
    first.get_by_label("About (optional)").select_option(label="Member Mo")  # a select: the keyboard picks an option
    tab_to(page, page.get_by_role("button", name="Add another open item"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Open item 3")).to_be_visible()
    expect(page.get_by_label("How did the session go?")).to_have_value("Hard going, but people stayed kind.")
    expect(first.get_by_label("What needs doing")).to_have_value("Ring Mo about the letter")
    no_axe_problems(page, "the debrief form with a row added")

    third = page.get_by_role("group", name="Open item 3")
    tab_to(page, third.get_by_label("What needs doing"))
    page.keyboard.type("Ask the trustees about a quieter room")
    tab_to(page, page.get_by_role("button", name="Save the debrief"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your debrief is saved")).to_be_visible()
    assert FollowUp.objects.filter(kind="item").count() == before + 2, focused(page)

    page.goto(f"{live_asgi.url}/care/groups/{site.cast.group.slug}/follow-ups/")
    expect(page.get_by_role("heading", name="Member Mo: open item from a debrief").first).to_be_visible()
    expect(page.get_by_text("Ring Mo about the letter")).to_be_visible()
    expect(page.get_by_text("Ask the trustees about a quieter room")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    no_axe_problems(page, "the follow-ups page")
    item = page.locator(".follow-up", has_text="Ask the trustees about a quieter room")
    item.get_by_label("How did it end?").select_option("done")
    item.get_by_role("button", name=re.compile("^Close")).click()
    expect(page.get_by_text(re.compile("is closed"))).to_be_visible()

    page.goto(f"{live_asgi.url}/sessions/{session.pk}/")
    card = page.locator("section", has=page.get_by_role("heading", name="Follow-ups from this session"))
    expect(card).to_contain_text("Ring Mo about the letter")
    expect(card).to_contain_text("closed: done")
    no_axe_problems(page, "the session's page")
