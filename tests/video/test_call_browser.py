"""The embedded call in real Chromium, with the LiveKit client swapped for a test double at its boundary (the
vendored script's URL serves tests/video/livekit_double.js): waiting → let in → in the call, on the member's
room page and the leaders' dashboard, on a phone, and accessible. Credentials come from our real server,
minted for the fake LiveKit's key pair."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sessions.video import identity_for
from tests.room.conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOUBLE = (Path(__file__).parent / "livekit_double.js").read_text()


def with_double(page):
    """Serve the test double wherever the page loads the vendored LiveKit client; note console errors."""
    page.route(
        re.compile(r".*/vendor/livekit-client/livekit-client\.umd.*\.js$"),
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=DOUBLE),
    )
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def open_room(page, live, session):
    page.goto(f"{live.url}/sessions/{session.pk}/room/")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))


def open_dashboard(page, live, session):
    page.goto(f"{live.url}/sessions/{session.pk}/dashboard/")
    expect(page.locator("#connection")).to_have_text(re.compile("Live"))


def serious_accessibility_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def test_a_member_waits_is_let_in_by_a_leader_and_joins_the_call(
    fake_livekit, live_asgi, browser_context, cast, open_session
):
    leader = signed_in_page(browser_context, live_asgi, cast.leader)
    leader_problems = with_double(leader)
    open_dashboard(leader, live_asgi, open_session)
    member = signed_in_page(browser_context, live_asgi, cast.member)
    member_problems = with_double(member)
    open_room(member, live_asgi, open_session)

    # Waiting: no way into the call yet, and nothing minted.
    expect(member.locator("#call-waiting")).to_contain_text("A leader will let you in shortly")
    expect(member.get_by_role("button", name="Join the call")).to_be_hidden()
    assert serious_accessibility_problems(member) == []

    # The leaders see who is waiting, and let them in.
    waiting = leader.locator("#call-waiting-list")
    expect(waiting).to_contain_text("Member Mo")
    assert serious_accessibility_problems(leader) == []
    waiting.get_by_role("button", name="Let in Member Mo").click()
    expect(waiting.locator("li")).to_have_count(0)

    # The member hears so, and joins: the double gets a credential for this session's room, for them.
    expect(member.locator("#announce-text")).to_contain_text("A leader has let you in")
    member.get_by_role("button", name="Join the call").click()
    expect(member.locator("#call-tiles li")).to_have_count(1)
    expect(member.locator("#call-tiles")).to_contain_text("Member Mo (you)")
    connected = member.evaluate("window.__lk.connected")
    assert connected["room"] == open_session.video_room
    assert connected["identity"] == identity_for(open_session.pk, cast.member.pk)
    assert connected["url"] == fake_livekit.url.replace("http://", "ws://")
    assert member.evaluate("window.__lk.log") == [["camera", True]]  # camera on, microphone left off
    expect(member.get_by_role("button", name="Turn microphone on")).to_be_visible()
    assert "eyJ" not in member.content()  # the token went to the client, never into the page
    assert serious_accessibility_problems(member) == []

    # The leader joins too and sees the member's tile, their raised hand on it, and a way to mute them.
    leader.get_by_role("button", name="Join the call").click()
    expect(leader.locator("#call-tiles")).to_contain_text("Leader Lee (you)")
    leader.evaluate(
        "([id, name]) => window.__lk.addRemote(id, name, {mic: true, speaking: true})",
        [identity_for(open_session.pk, cast.member.pk), "Member Mo"],
    )
    tile = leader.locator("#call-tiles li", has_text="Member Mo")
    expect(tile).to_have_class(re.compile("is-speaking"))
    expect(tile).to_contain_text("Microphone on")
    expect(tile.get_by_role("button", name="Mute Member Mo")).to_be_visible()
    member.get_by_role("button", name="Raise hand").first.click()
    expect(tile).to_contain_text("Hand raised")
    assert serious_accessibility_problems(leader) == []
    assert member_problems == [] and leader_problems == []


def test_a_member_with_a_camera_off_notice_starts_with_the_camera_off(
    fake_livekit, live_asgi, browser_context, cast, open_session
):
    from sessions.models import CameraOffNotice

    cast.group.waiting_room = False
    cast.group.save(update_fields=["waiting_room"])
    CameraOffNotice.objects.create(group=cast.group, user=cast.member, standing=True, reason="Not at home")
    member = signed_in_page(browser_context, live_asgi, cast.member)
    with_double(member)
    open_room(member, live_asgi, open_session)
    expect(member.locator("#call-camera-note")).to_contain_text("camera off")
    member.get_by_role("button", name="Join the call").click()
    expect(member.locator("#call-tiles")).to_contain_text("Microphone off · camera off")
    assert member.evaluate("window.__lk.log") == []  # neither camera nor microphone was started
    expect(member.get_by_role("button", name="Turn camera on")).to_be_visible()


def test_on_a_phone_the_actions_stay_in_reach_beside_the_call(
    fake_livekit, live_asgi, browser_context, cast, open_session
):
    cast.group.waiting_room = False
    cast.group.save(update_fields=["waiting_room"])
    member = signed_in_page(browser_context, live_asgi, cast.member, viewport={"width": 375, "height": 740})
    with_double(member)
    open_room(member, live_asgi, open_session)
    member.get_by_role("button", name="Join the call").click()
    expect(member.locator("#call-tiles li")).to_have_count(1)
    bar = member.get_by_role("navigation", name="Your actions")
    for scroll in (0, 600, 1500, 100_000):  # wherever the page is scrolled to
        member.evaluate(f"window.scrollTo(0, {scroll})")
        for name in ("Raise hand", "Step out", "That was triggering"):
            button = bar.get_by_role("button", name=name)
            expect(button).to_be_in_viewport()
        for name in ("Message the leaders", "Leave"):
            expect(bar.get_by_role("link", name=name)).to_be_in_viewport()
    width = member.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing sideways
    bar.get_by_role("link", name="Message the leaders").click()
    expect(member.get_by_label("Your message")).to_be_focused()
    expect(member.get_by_label("Your message")).to_be_in_viewport()
    assert serious_accessibility_problems(member) == []
