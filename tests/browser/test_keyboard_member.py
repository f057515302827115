"""A member does the main things with the keyboard alone: join, raise a hand, message the leaders, leave.

Only Tab, Enter and Space (and the arrow keys inside a radio group, as browsers expect): no mouse clicks.
After each action, focus must land somewhere sensible rather than being thrown back to the top of the page.
"""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Attendance, RoomAlert
from tests.browser.keyboard import focused, has_focus, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leaders_dashboard(site, context_for, live_asgi):
    """A leader watching the dashboard: messages to the leaders need someone there to receive them."""
    page = context_for(site.cast.leader).new_page()
    page.goto(f"{live_asgi.url}/sessions/{site.open_session.pk}/dashboard/")
    expect(page.locator("#connection")).to_have_text(re.compile("Live"))
    return page


def test_a_member_joins_raises_a_hand_messages_the_leaders_and_leaves_by_keyboard(
    site, context_for, live_asgi, leaders_dashboard
):
    session = site.open_session
    # The room sits in a narrow window beside the video call.
    context = context_for(site.cast.member, width=420)
    opened = []  # the meeting's site is not reachable from here: watch the browser ask for it
    context.on("request", lambda request: opened.append(request.url) if "meet.example.org" in request.url else None)
    page = context.new_page()
    page.goto(f"{live_asgi.url}/sessions/{session.pk}/")

    # Join: the session page, the safety reminder, the meeting in a new tab.
    tab_to(page, page.get_by_role("link", name="Join the session"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Before you join")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="I understand: open the meeting"))
    with page.expect_popup() as meeting:
        page.keyboard.press("Enter")
    meeting.value.wait_for_event("requestfailed")  # the meeting's address, unreachable from the test machine
    assert opened == [site.open_session.meeting_link]
    assert Attendance.objects.filter(session=session, user=site.cast.member).exists()

    # Back in this window, on to the session room.
    tab_to(page, page.get_by_role("link", name="session room"))
    page.keyboard.press("Enter")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))

    # Raise a hand with Space: the leaders see it, and focus moves to the button that took its place.
    tab_to(page, page.get_by_role("button", name="Raise my hand"))
    page.keyboard.press("Space")
    expect(page.locator("#sr-status")).to_have_text("Your hand is raised. The leaders can see it.")
    lower = page.get_by_role("button", name="Lower my hand")
    expect(lower).to_be_focused()
    expect(leaders_dashboard.locator("#hands")).to_contain_text("Member Mo")

    # Message the leaders: type, Tab to the button, Enter. The box empties; focus stays on the button.
    tab_to(page, page.get_by_label("Your message"))
    page.keyboard.type("Could one of you stay on for a few minutes after?")
    page.keyboard.press("Tab")
    send = page.get_by_role("button", name="Send to the leaders")
    assert has_focus(send), focused(page)
    page.keyboard.press("Enter")
    expect(page.locator("#sr-status")).to_have_text("Your message reached the leaders.")
    expect(page.get_by_label("Your message")).to_have_value("")
    expect(send).to_be_focused()
    expect(leaders_dashboard.locator("#alerts")).to_contain_text("Could one of you stay on for a few minutes after?")

    # Leave with a check-in: choose an answer with the arrow keys, a few words, then the button.
    tab_to(page, page.get_by_label("I'm OK, just need to go"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("I'd like someone to contact me")).to_be_checked()
    tab_to(page, page.get_by_role("textbox", name="A few words"))
    page.keyboard.type("A hard evening, a call tomorrow would help.")
    tab_to(page, page.get_by_role("button", name="Leave the room"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/room/left/$"))
    expect(page.get_by_role("heading", name="You've left the room")).to_be_visible()
    # A fresh page: the first Tab offers the way past the navigation.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    check_in = leaders_dashboard.locator("#alerts li", has_text="Member Mo").first
    expect(check_in).to_contain_text("A hard evening, a call tomorrow would help.")
    alert = RoomAlert.objects.get(session=session, user=site.cast.member, kind=RoomAlert.Kind.CHECK_IN)
    assert alert.check_in == RoomAlert.CheckIn.CONTACT
