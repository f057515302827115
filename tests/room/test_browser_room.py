"""The room and the dashboard in real Chromium: two people, two browser contexts, one live ASGI server."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import RoomAlert, RoomParticipant
from tests.room.conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def room(page, live, session):
    page.goto(f"{live.url}/sessions/{session.pk}/room/")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
    return page


def dashboard(page, live, session):
    page.goto(f"{live.url}/sessions/{session.pk}/dashboard/")
    expect(page.locator("#connection")).to_have_text(re.compile("Live"))
    return page


def test_member_raises_a_hand_and_the_leaders_dashboard_shows_it(live_asgi, browser_context, cast, open_session):
    leader = dashboard(signed_in_page(browser_context, live_asgi, cast.leader), live_asgi, open_session)
    member = room(signed_in_page(browser_context, live_asgi, cast.member), live_asgi, open_session)

    member.get_by_role("button", name="Raise my hand").click()
    expect(member.locator("#sr-status")).to_have_text("Your hand is raised. The leaders can see it.")
    expect(member.get_by_role("status").filter(has_text="Your hand is raised")).to_have_count(1)  # screen readers
    expect(member.get_by_role("button", name="Lower my hand")).to_be_visible()
    # Seen once: the note that took the button's place, not a second floating copy.
    expect(member.locator(".room-state-note[data-show=hand-up]")).to_be_visible()
    expect(member.locator("#announce")).to_be_hidden()

    hands = leader.locator("#hands")
    expect(hands.locator("li")).to_have_count(1)
    expect(hands).to_contain_text("Member Mo")
    expect(leader.locator("#alert-badge")).to_have_text("1 alert needs a look")
    expect(leader).to_have_title(re.compile(r"^\(1\) "))
    expect(leader.locator("#sr-alert")).to_have_text("Member Mo: Raised hand")

    hands.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(hands).to_contain_text("Acknowledged by Leader Lee.")
    expect(member.locator("#announce-text")).to_have_text("A leader has seen your raised hand.")
    expect(leader.locator("#alert-badge")).to_be_hidden()


def serious_accessibility_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def watch_console(page) -> list[str]:
    """Collect CSP violations and script errors: the pages must run clean under `script-src 'self'`."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_private_words_go_only_where_they_should(live_asgi, browser_context, cast, open_session):
    leader = signed_in_page(browser_context, live_asgi, cast.leader)
    leader_problems = watch_console(leader)
    dashboard(leader, live_asgi, open_session)
    member = signed_in_page(browser_context, live_asgi, cast.member)
    member_problems = watch_console(member)
    room(member, live_asgi, open_session)

    member.get_by_label("Your message").fill("Could we talk after the session?")
    member.get_by_role("button", name="Send to the leaders").click()
    expect(member.locator("#announce-text")).to_have_text("Your message reached the leaders.")
    expect(member.get_by_label("Your message")).to_have_value("")
    alerts = leader.locator("#alerts")
    expect(alerts).to_contain_text("Could we talk after the session?")

    roster_entry = leader.locator("#roster li", has_text="Member Mo")
    roster_entry.locator("summary", has_text="Reply privately").click()
    roster_entry.get_by_label("Your private reply").fill("Of course, I'll stay on.")
    roster_entry.get_by_role("button", name="Send reply").click()
    expect(member.locator("#replies")).to_contain_text("Of course, I'll stay on.")
    expect(leader.locator("#replies")).to_contain_text("Of course, I'll stay on.")

    member.get_by_label("Write to the group").fill("Has anyone tried ketamine?")
    member.get_by_role("button", name="Send", exact=True).click()
    expect(member.locator("#announce-text")).to_contain_text("wasn't shared with the group")
    expect(alerts).to_contain_text("Has anyone tried ketamine?")
    expect(alerts).to_contain_text("“ketamine”")
    expect(member.locator("#chat-log")).not_to_contain_text("ketamine")

    member.get_by_label("Write to the group").fill("Thank you all for today.")
    member.get_by_role("button", name="Send", exact=True).click()
    expect(leader.locator("#chat-log")).to_contain_text("Thank you all for today.")
    expect(member.locator("#chat-log")).to_contain_text("You")
    assert leader_problems == [] and member_problems == []


def test_leader_removes_a_member_who_is_told_and_cannot_rejoin(live_asgi, browser_context, cast, open_session):
    leader = dashboard(signed_in_page(browser_context, live_asgi, cast.leader), live_asgi, open_session)
    member = room(signed_in_page(browser_context, live_asgi, cast.member), live_asgi, open_session)

    entry = leader.locator("#roster li", has_text="Member Mo")
    entry.locator("summary", has_text="Remove from this session").click()
    entry.get_by_label("Reason").select_option("offensive_language")
    leader.once("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Remove from this session").click()

    expect(member.locator("#connection")).to_contain_text("A leader has asked you to leave this session")
    expect(member.get_by_role("button", name="Raise my hand")).to_be_disabled()
    expect(leader.locator("#roster li", has_text="Member Mo")).to_contain_text("Removed")

    response = member.goto(f"{live_asgi.url}/sessions/{open_session.pk}/room/")
    assert response.status == 403
    expect(member.locator("main")).to_contain_text("can't rejoin it")
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).status == "removed"


def test_room_reconnects_after_the_server_restarts(restartable_asgi, browser_context, cast, open_session):
    live = restartable_asgi.live
    member = room(signed_in_page(browser_context, live, cast.member), live, open_session)

    restartable_asgi.stop()
    expect(member.locator("#connection")).to_have_text(re.compile("Reconnecting"))
    restartable_asgi.start()
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"), timeout=20_000)

    member.get_by_role("button", name="Raise my hand").click()
    expect(member.locator("#sr-status")).to_have_text("Your hand is raised. The leaders can see it.")
    assert RoomAlert.objects.raised_hands().filter(user=cast.member).exists()


def test_dashboard_reconnects_after_the_server_restarts_and_catches_up(
    restartable_asgi, browser_context, cast, open_session
):
    live = restartable_asgi.live
    leader = dashboard(signed_in_page(browser_context, live, cast.leader), live, open_session)
    restartable_asgi.stop()
    expect(leader.locator("#connection")).to_have_text(re.compile("Reconnecting"))
    RoomParticipant.objects.create(session=open_session, user=cast.member)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    restartable_asgi.start()
    expect(leader.locator("#connection")).to_have_text(re.compile("Live"), timeout=20_000)
    expect(leader.locator("#hands")).to_contain_text("Member Mo")
    expect(leader.locator("#sr-alert")).to_have_text("Member Mo: Raised hand")


def test_leader_signs_in_with_two_step_verification_and_opens_the_dashboard(
    live_asgi, browser_context, cast, open_session
):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
    from allauth.mfa.utils import decrypt

    from tests.fixtures.browsers import browser_login

    secret = decrypt(Authenticator.objects.get(user=cast.leader, type=Authenticator.Type.TOTP).data["secret"])
    page = browser_login(browser_context(), live_asgi, cast.leader.email)
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time()))))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/$"))
    dashboard(page, live_asgi, open_session)
    expect(page.get_by_role("heading", name="Leaders' dashboard")).to_be_visible()


@pytest.mark.parametrize("width", [320, 360])
def test_room_fits_a_narrow_window_beside_the_video_call(live_asgi, browser_context, cast, open_session, width):
    page = signed_in_page(browser_context, live_asgi, cast.member, viewport={"width": width, "height": 800})
    room(page, live_asgi, open_session)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.get_by_role("button", name="Raise my hand").bounding_box()
    assert box["height"] >= 44
    assert serious_accessibility_problems(page) == []


def test_dashboard_has_no_serious_accessibility_problems(live_asgi, browser_context, cast, open_session):
    RoomParticipant.objects.create(session=open_session, user=cast.member)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    page = dashboard(signed_in_page(browser_context, live_asgi, cast.leader), live_asgi, open_session)
    expect(page.locator("#hands li")).to_have_count(1)
    assert serious_accessibility_problems(page) == []


def test_room_works_with_javascript_off(live_asgi, browser_context, cast, open_session):
    page = signed_in_page(browser_context, live_asgi, cast.member, java_script_enabled=False)
    page.goto(f"{live_asgi.url}/sessions/{open_session.pk}/room/")
    page.get_by_role("button", name="Raise my hand").click()
    expect(page.locator(".messages")).to_contain_text("Your hand is raised.")
    expect(page.get_by_role("button", name="Lower my hand")).to_be_visible()
    page.get_by_role("button", name="I'm stepping out").click()
    expect(page.get_by_role("button", name="I'm back")).to_be_visible()
    assert RoomParticipant.objects.get(user=cast.member).stepped_out_at is not None
