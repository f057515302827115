"""The waiting room, heard (static/js/call-sound.js), in real Chromium: leaders hear a soft sound when someone
starts waiting and the member hears one when let in; never before the person has used the page, never with the
switch off (remembered in the browser), and always with the same news as text.

The page's AudioContext is replaced before any script runs by a recorder (an init script), so the test sees each
note the page asks for without a sound card; everything else is the page's own code."""

import pytest
from playwright.sync_api import expect

from tests.room.conftest import signed_in_page
from tests.video.test_call_browser import open_dashboard, open_room, serious_accessibility_problems, with_double

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_AUDIO = """
window.__notes = [];
window.AudioContext = class {
  constructor() { this.currentTime = 0; this.state = "running"; this.destination = {}; }
  resume() { return Promise.resolve(); }
  createOscillator() {
    const note = { type: "", frequency: { value: 0 }, connect: (next) => next, stop() {},
                   start() { window.__notes.push(note.frequency.value); } };
    return note;
  }
  createGain() {
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next) => next };
  }
};
"""


def page_for(browser_context, live, user):
    page = signed_in_page(browser_context, live, user)
    page.add_init_script(RECORD_AUDIO)
    with_double(page)
    return page


def notes(page) -> int:
    return len(page.evaluate("window.__notes"))


def test_leaders_hear_someone_waiting_and_the_member_hears_being_let_in(
    fake_livekit, live_asgi, browser_context, cast, open_session, membership_factory, user_factory
):
    second = membership_factory(cast.group, user_factory(display_name="Member Two")).user
    leader = page_for(browser_context, live_asgi, cast.leader)
    open_dashboard(leader, live_asgi, open_session)
    expect(leader.get_by_label("Play a soft sound when someone is waiting to join the call")).to_be_checked()

    # Before the leader has used the page: shown and announced, not sounded (browsers block it, and it startles).
    two = page_for(browser_context, live_asgi, second)
    open_room(two, live_asgi, open_session)
    expect(leader.locator("#call-heard")).to_have_text("Member Two is waiting to join the call.")
    assert notes(leader) == 0

    # Once they have: the next arrival is heard, with the same words.
    leader.locator("h1").click()
    member = page_for(browser_context, live_asgi, cast.member)
    open_room(member, live_asgi, open_session)
    expect(leader.locator("#call-heard")).to_have_text("Member Mo is waiting to join the call.")
    leader.wait_for_function("window.__notes.length === 2")
    assert serious_accessibility_problems(leader) == []

    # Member Mo has used their page, and is let in: they hear it, and read it.
    member.locator("h1").click()
    leader.locator("#call-waiting-list").get_by_role("button", name="Let in Member Mo").click()
    expect(member.locator("#announce-text")).to_contain_text("A leader has let you in")
    member.wait_for_function("window.__notes.length === 2")
    assert notes(leader) == 2  # letting someone in is not "someone is waiting"
    assert serious_accessibility_problems(member) == []

    # Member Two would rather not hear it: the switch is off, remembered after a reload, and they still read it.
    switch = two.get_by_label("Play a soft sound when a leader lets me into the call")
    switch.press("Space")  # with the keyboard; also counts as using the page
    expect(switch).not_to_be_checked()
    two.reload()
    expect(two.locator("#connection")).to_contain_text("Updates are live")
    switch = two.get_by_label("Play a soft sound when a leader lets me into the call")
    expect(switch).not_to_be_checked()
    two.locator("h1").click()
    leader.locator("#call-waiting-list").get_by_role("button", name="Let in Member Two").click()
    expect(two.locator("#announce-text")).to_contain_text("A leader has let you in")
    two.wait_for_timeout(500)
    assert notes(two) == 0


def test_a_leader_who_turned_the_sound_off_still_reads_who_is_waiting(
    fake_livekit, live_asgi, browser_context, cast, open_session
):
    leader = page_for(browser_context, live_asgi, cast.leader)
    open_dashboard(leader, live_asgi, open_session)
    switch = leader.get_by_label("Play a soft sound when someone is waiting to join the call")
    switch.uncheck()
    assert leader.evaluate("localStorage.getItem('peersupport.call.sound')") == "off"
    member = page_for(browser_context, live_asgi, cast.member)
    open_room(member, live_asgi, open_session)
    expect(leader.locator("#call-heard")).to_have_text("Member Mo is waiting to join the call.")
    expect(leader.locator("#call-waiting-list")).to_contain_text("Member Mo")
    leader.wait_for_timeout(500)
    assert notes(leader) == 0
    # Turned on again, it plays once so they know what it sounds like (their click allows it).
    switch.check()
    leader.wait_for_function("window.__notes.length === 2")
