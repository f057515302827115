"""The Jitsi call in real Chromium, with Jitsi's IFrame API replaced by a test double (tests/video/jitsi_double.js)
served by a loopback server wherever the page loads https://<JITSI_DOMAIN>/external_api.js. Credentials come
from our real server. The hand goes both ways between the call and our queue; a removal makes the leader's
client kick the right person; the pages are accessible."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from playwright.sync_api import expect

from sessions.models import RoomAlert
from tests.room.conftest import signed_in_page
from tests.video.conftest import JAAS_APP_ID, JITSI_DOMAIN
from tests.video.test_call_browser import open_dashboard, open_room, serious_accessibility_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOUBLE = (Path(__file__).parent / "jitsi_double.js").read_bytes()


@pytest.fixture
def jitsi_server():
    """A loopback HTTP server holding the double at the IFrame API's path (`server.path`: a self-hosted server's by
    default, JaaS's under the AppID when a test sets it); it notes each path asked of it."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            if self.path != server.path:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(DOUBLE)))
            self.end_headers()
            self.wfile.write(DOUBLE)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.asked = asked
    server.path = "/external_api.js"
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def with_jitsi(page, server, domain=JITSI_DOMAIN):
    """Send the page's requests for the Jitsi domain to the loopback server; note console errors."""
    page.route(
        f"https://{domain}/**",
        lambda route: route.fulfill(response=route.fetch(url=server.url + "/" + route.request.url.split("/", 3)[3])),
    )
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def commands_once(page, ready) -> list:
    """The double's recorded commands once ready(commands) holds (polled from here: the pages' CSP forbids the
    string evaluation Playwright's wait_for_function would need)."""
    deadline = time.monotonic() + 10
    while True:
        commands = page.evaluate("window.__jitsi.record.commands")
        if ready(commands) or time.monotonic() > deadline:
            return commands
        page.wait_for_timeout(50)


def join_call(page):
    page.get_by_role("button", name="Join the call").click()
    expect(page.locator("#call-frame iframe")).to_have_count(1)
    expect(page.locator("#call-status")).to_have_text("You're in the call.")


def test_the_member_joins_with_a_jwt_and_the_hand_goes_both_ways(
    jitsi, jitsi_server, live_asgi, browser_context, cast, open_session
):
    from sessions.models import CameraOffNotice

    cast.group.waiting_room = False
    cast.group.save(update_fields=["waiting_room"])
    CameraOffNotice.objects.create(group=cast.group, user=cast.member, standing=True, reason="Not at home")
    leader = signed_in_page(browser_context, live_asgi, cast.leader)
    leader_problems = with_jitsi(leader, jitsi_server)
    open_dashboard(leader, live_asgi, open_session)
    member = signed_in_page(browser_context, live_asgi, cast.member)
    member_problems = with_jitsi(member, jitsi_server)
    open_room(member, live_asgi, open_session)
    assert "/external_api.js" in jitsi_server.asked  # loaded from the configured domain's path

    join_call(member)
    [made] = member.evaluate("window.__jitsi.record.constructed")
    assert made["domain"] == JITSI_DOMAIN
    options = made["options"]
    assert options["roomName"] == open_session.video_room
    claims = jwt.decode(options["jwt"], jitsi.JITSI_APP_SECRET, algorithms=["HS256"], audience=jitsi.JITSI_APP_ID)
    assert claims["room"] == open_session.video_room and claims["context"]["user"]["moderator"] is False
    config = options["configOverwrite"]
    assert config["prejoinConfig"] == {"enabled": False} and config["prejoinPageEnabled"] is False
    assert config["readOnlyName"] is True and config["disableInviteFunctions"] is True
    assert config["fileRecordingsEnabled"] is False and config["liveStreamingEnabled"] is False
    assert config["localRecording"] == {"disable": True}
    assert config["recordingService"]["enabled"] is False and config["transcription"] == {"enabled": False}
    assert config["startWithVideoMuted"] is True  # the camera-off notice
    assert config["startWithAudioMuted"] is True
    assert not {"recording", "livestreaming", "invite", "chat", "closedcaptions"} & set(config["toolbarButtons"])
    assert options["userInfo"] == {"displayName": "Member Mo"}
    assert member.locator("#call-frame iframe").get_attribute("title") == "The video call"
    assert options["jwt"] not in member.content()  # handed to the API, never into the page

    # A hand raised in Jitsi's own toolbar reaches the leaders' queue, through our own hand form.
    member.evaluate("window.__jitsi.raiseHandInCall()")
    expect(leader.locator("#hands")).to_contain_text("Member Mo")
    assert RoomAlert.objects.raised_hands().filter(user=cast.member).count() == 1
    assert member.evaluate("window.__jitsi.record.commands") == []  # no echo back into the call

    # Lowered with our button: lowered in the call too. Raised with our button: raised in the call.
    member.get_by_role("button", name="Lower hand").first.click()
    expect(leader.locator("#hands-empty")).to_be_visible()
    assert commands_once(member, lambda c: len(c) == 1) == [["toggleRaiseHand"]]
    assert member.evaluate("window.__jitsi.api.hand") == 0
    member.get_by_role("button", name="Raise hand").first.click()
    expect(leader.locator("#hands")).to_contain_text("Member Mo")
    assert commands_once(member, lambda c: len(c) == 2) == [["toggleRaiseHand"], ["toggleRaiseHand"]]
    assert member.evaluate("window.__jitsi.api.hand") > 0
    assert RoomAlert.objects.raised_hands().filter(user=cast.member).count() == 1

    assert serious_accessibility_problems(member) == []
    assert member_problems == [] and leader_problems == []


def test_a_removal_makes_the_leaders_client_kick_the_right_person(
    jitsi, jitsi_server, live_asgi, browser_context, cast, open_session, membership_factory, user_factory
):
    cast.group.waiting_room = False
    cast.group.save(update_fields=["waiting_room"])
    other = membership_factory(cast.group, user_factory(display_name="Sam Other")).user
    member = signed_in_page(browser_context, live_asgi, cast.member)
    with_jitsi(member, jitsi_server)
    open_room(member, live_asgi, open_session)
    join_call(member)
    leader = signed_in_page(browser_context, live_asgi, cast.leader)
    problems = with_jitsi(leader, jitsi_server)
    open_dashboard(leader, live_asgi, open_session)
    join_call(leader)
    [made] = leader.evaluate("window.__jitsi.record.constructed")
    claims = jwt.decode(
        made["options"]["jwt"], jitsi.JITSI_APP_SECRET, algorithms=["HS256"], audience=jitsi.JITSI_APP_ID
    )
    assert claims["context"]["user"]["moderator"] is True
    # Who the leader's call shows: the member, someone else, and the leader.
    leader.evaluate("window.__jitsi.join('a1b2c3d4', 'Member Mo')")
    leader.evaluate("window.__jitsi.join('e5f6a7b8', 'Sam Other')")
    assert other.pk  # in the group, in the call, and not to be touched
    assert serious_accessibility_problems(leader) == []

    # The leader removes the member from the dashboard (our own action, as for any removal).
    entry = leader.locator("#roster li", has_text="Member Mo")
    entry.locator("summary", has_text="Remove from this session").click()
    entry.get_by_label("Reason").select_option("offensive_language")
    leader.once("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Remove from this session").click()
    assert commands_once(leader, lambda c: len(c) >= 1) == [["kickParticipant", "a1b2c3d4"]]
    # The member's own page leaves the call as well (our room has closed for them).
    expect(member.locator("#call-frame iframe")).to_have_count(0)
    assert member.evaluate("window.__jitsi.record.disposed") == 1

    # Coming back into the call with a token they kept: kicked again on sight.
    leader.evaluate("window.__jitsi.join('c0ffee00', 'Member Mo')")
    assert commands_once(leader, lambda c: len(c) >= 2)[1:] == [["kickParticipant", "c0ffee00"]]
    assert problems == []


def test_with_jaas_the_member_joins_8x8s_call_with_an_rs256_jwt(
    jaas, jaas_key, jitsi_server, live_asgi, browser_context, cast, open_session
):
    """The same page script against JaaS: the IFrame API from 8x8.vc under the AppID, the room as <AppID>/<room>."""
    cast.group.waiting_room = False
    cast.group.save(update_fields=["waiting_room"])
    jitsi_server.path = f"/{JAAS_APP_ID}/external_api.js"
    member = signed_in_page(browser_context, live_asgi, cast.member)
    problems = with_jitsi(member, jitsi_server, domain="8x8.vc")
    open_room(member, live_asgi, open_session)
    assert jitsi_server.path in jitsi_server.asked

    join_call(member)
    [made] = member.evaluate("window.__jitsi.record.constructed")
    assert made["domain"] == "8x8.vc"
    options = made["options"]
    assert options["roomName"] == f"{JAAS_APP_ID}/{open_session.video_room}"
    claims = jwt.decode(options["jwt"], jaas_key.public_key(), algorithms=["RS256"], audience="jitsi", issuer="chat")
    assert claims["sub"] == JAAS_APP_ID and claims["room"] == open_session.video_room
    assert claims["context"]["user"]["moderator"] == "false"
    assert options["configOverwrite"]["recordingService"]["enabled"] is False
    assert options["jwt"] not in member.content()
    member.evaluate("window.__jitsi.raiseHandInCall()")
    expect(member.get_by_role("button", name="Lower hand").first).to_be_visible()
    assert serious_accessibility_problems(member) == []
    assert problems == []
