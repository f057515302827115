"""In real Chromium: a member joins through the join page and the meeting opens; a leader schedules a session.

The meeting's site is not reachable from the test machine, so the test watches the browser's requests:
the single-use ticket must lead the new tab to the meeting URL, and no page before it may contain it.
"""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client

from sessions.models import Attendance, GroupSession
from tests.fixtures.browsers import browser_login
from tests.sessions.conftest import LINK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_accessibility_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def signed_in_context(browser_context, live, user, **options):
    """A browser context carrying a session cookie for user (leaders' password login needs a TOTP step)."""
    client = Client()
    client.force_login(user)
    context = browser_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live.url}])
    return context


def wait_for(page, condition, *, timeout: float = 10) -> None:
    """Poll a condition while letting Playwright deliver its events (time.sleep would block them)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)


def test_member_reads_the_safety_reminder_and_the_meeting_opens_in_a_new_tab(
    live_asgi, browser_context, cast, session_factory
):
    session = session_factory(cast.group, starts_in=timedelta(minutes=5), topic="Finding calm")
    context = browser_context(viewport={"width": 320, "height": 800})  # the smallest phone we support
    requested, csp_problems = [], []
    context.on("request", lambda request: requested.append(request.url))
    context.on(
        "console", lambda message: csp_problems.append(message.text) if "Content Security" in message.text else None
    )
    page = browser_login(context, live_asgi, cast.member.email)
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"{live_asgi.url}/sessions/{session.pk}/")
    assert page.get_by_role("heading", name="Finding calm").is_visible()
    assert LINK not in page.content()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("link", name="Join the session").click()

    assert page.get_by_role("heading", name="Keeping the group safe online").is_visible()
    assert page.get_by_text("Please don't record").is_visible()
    assert LINK not in page.content()
    assert serious_accessibility_problems(page) == []
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="I understand: open the meeting").click()
    wait_for(popup_info.value, lambda: LINK in requested)
    assert csp_problems == []
    assert Attendance.objects.filter(session=session, user=cast.member).exists()
    # Going back to the ticket does not open the meeting a second time.
    ticket = next(url for url in requested if "/go/" in url)
    again = context.new_page()
    again.goto(ticket)
    assert again.get_by_role("heading", name="You can't join just now").is_visible()


def test_leader_schedules_a_session_and_sees_the_link_is_set_without_seeing_it(live_asgi, browser_context, cast):
    page = signed_in_context(browser_context, live_asgi, cast.leader).new_page()
    page.goto(f"{live_asgi.url}/sessions/group/{cast.group.slug}/")
    page.get_by_role("link", name="Schedule a session").click()
    assert serious_accessibility_problems(page) == []

    page.get_by_label("Topic").fill("Sleep and rest")
    page.get_by_label("Starts").fill("2031-02-04T19:00")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("Meeting link (optional)").fill("https://meet.example.org/sleep-and-rest")
    page.get_by_role("button", name="Schedule the session").click()

    assert page.get_by_role("heading", name="Sleep and rest").is_visible()
    assert page.get_by_text("Link set (changed").is_visible()
    assert "sleep-and-rest" not in page.content()
    assert serious_accessibility_problems(page) == []
    session = GroupSession.objects.get(topic="Sleep and rest")
    assert session.meeting_link == "https://meet.example.org/sleep-and-rest"


def test_a_refused_join_explains_itself_in_the_browser(live_asgi, browser_context, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(hours=3))
    page = signed_in_context(browser_context, live_asgi, cast.member).new_page()

    page.goto(f"{live_asgi.url}/sessions/{session.pk}/join/")

    assert page.get_by_role("heading", name="You can't join just now").is_visible()
    assert page.get_by_text("It's a little early").is_visible()
    assert serious_accessibility_problems(page) == []
