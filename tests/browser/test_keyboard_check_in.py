"""A member answers the monthly wellbeing check-in with the keyboard alone, then goes on to the session; another
month they skip it with one key press. Screenshots of the page and of their own chart go to /tmp for a look."""

import pytest
from playwright.sync_api import expect

from tests.browser.keyboard import tab_to
from wellbeing.checkin.models import CheckInAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_answers_the_check_in_by_keyboard_and_goes_on_to_join(site, context_for, live_asgi):
    session = site.check_in_session
    page = context_for(site.cast.member, width=320).new_page()
    page.goto(f"{live_asgi.url}/sessions/{session.pk}/join/")
    expect(page.get_by_role("heading", name="How have you been?")).to_be_visible()
    page.screenshot(path="/tmp/i19-check-in-320.png", full_page=True)

    # Into the first question's numbers with Tab, then along them with the arrow keys (as radio groups work).
    first = page.get_by_role("group", name="Overall, how satisfied are you with your life nowadays?")
    tab_to(page, first.get_by_role("radio").first)
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(first.get_by_role("radio", name="6")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save my answers and go on"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Before you join")).to_be_visible()
    answer = CheckInAnswer.objects.get(user=site.cast.member, group=session.group, skipped=False, session=session)
    assert answer.scores() == {"satisfied": 6, "worthwhile": None, "happy": None, "anxious": None}

    page.goto(f"{live_asgi.url}/wellbeing/my-check-ins/")
    expect(page.get_by_role("table")).to_contain_text("6")
    page.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    page.screenshot(path="/tmp/i19-my-check-ins-320.png", full_page=True)


def test_skipping_is_the_first_button_and_one_key_press(site, context_for, live_asgi):
    session = site.check_in_session
    page = context_for(site.cast.member).new_page()
    page.goto(f"{live_asgi.url}/sessions/{session.pk}/room/")
    skip = page.get_by_role("button", name="Skip this month")
    tab_to(page, skip)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_asgi.url}/sessions/{session.pk}/room/")
    assert CheckInAnswer.objects.get(user=site.cast.member, group=session.group, session=session).skipped
