"""A leader runs the dashboard with the keyboard alone: acknowledge a raised hand, remove a member.

Only Tab, Enter and Space (and the arrow keys in a drop-down, as browsers expect): no mouse clicks.
When the control just used goes away, focus must move to what took its place, not to the top of the page.
"""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import RoomParticipant
from tests.browser.keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member_in_the_room(site, context_for, live_asgi):
    page = context_for(site.cast.member, width=420).new_page()
    page.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/room/")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
    return page


@pytest.fixture
def dashboard(site, context_for, live_asgi, member_in_the_room):
    page = context_for(site.cast.leader).new_page()
    page.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/dashboard/")
    expect(page.locator("#connection")).to_have_text(re.compile("Live"))
    return page


def test_a_leader_acknowledges_a_raised_hand_by_keyboard(dashboard, member_in_the_room):
    member_in_the_room.get_by_role("button", name="Raise my hand").press("Space")
    hand = dashboard.locator("#hands li", has_text="Member Mo")
    expect(hand).to_be_visible()

    tab_to(dashboard, hand.get_by_role("button", name="Acknowledge raised hand from Member Mo"))
    dashboard.keyboard.press("Enter")

    expect(hand).to_contain_text("Acknowledged by Leader Lee.")
    expect(member_in_the_room.locator("#sr-status")).to_have_text("A leader has seen your raised hand.")
    # The acknowledge button is gone; focus moves to the hand's other control.
    lower = hand.get_by_role("button", name="Lower hand of Member Mo")
    expect(lower).to_be_focused()

    # Lowering takes the hand off the queue; with no other hand raised, focus rests on the "none" note.
    dashboard.keyboard.press("Space")
    expect(dashboard.locator("#hands li")).to_have_count(0)
    expect(dashboard.locator("#hands-empty")).to_be_focused()


def test_a_leader_removes_a_member_from_the_session_by_keyboard(site, dashboard, member_in_the_room):
    person = dashboard.locator("#roster li", has_text="Member Mo")
    expect(person).to_contain_text("Here")

    tab_to(dashboard, person.locator("summary", has_text="Remove from this session"))
    dashboard.keyboard.press("Enter")  # opens the removal form
    tab_to(dashboard, person.get_by_label("Reason"))
    dashboard.keyboard.press("ArrowDown")  # the first reason
    expect(person.get_by_label("Reason")).to_have_value("offensive_language")
    tab_to(dashboard, person.get_by_role("button", name="Remove from this session"))
    dashboard.once("dialog", lambda dialog: dialog.accept())  # "Remove this person from the session?"
    dashboard.keyboard.press("Enter")

    expect(member_in_the_room.locator("#connection")).to_contain_text("A leader has asked you to leave this session")
    expect(person).to_contain_text("Removed")
    # The removal form went away with the member's actions: focus rests on their entry, which says "Removed".
    expect(person).to_be_focused()
    participant = RoomParticipant.objects.get(session=site.open_session, user=site.cast.member)
    assert participant.status == "removed"
