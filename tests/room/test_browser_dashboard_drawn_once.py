"""The dashboard is drawn once: the server draws the first paint, and the script adopts it, changing only the
rows an event changes (never throwing the server's lists away to rebuild them), with the same words."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import CameraOffNotice, RoomAlert, RoomParticipant
from tests.room.conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTS = ("roster", "hands", "alerts", "dash-summary", "to-arrive", "camera-off")

# Installed before the page's scripts: from the end of parsing (readyState "interactive", before module
# scripts run) it records every change inside the dashboard's parts, with the row it happened in.
WATCH = """
window.__changes = [];
document.addEventListener("readystatechange", () => {
  if (document.readyState !== "interactive") return;
  const parts = PARTS;
  new MutationObserver((records) => {
    for (const r of records) {
      const target = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const part = parts.find((id) => target.closest("#" + id));
      if (!part) continue;
      const row = target.closest("li[data-key]");
      window.__changes.push({part, row: row ? row.dataset.key : null, type: r.type});
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
});
""".replace("PARTS", json.dumps(PARTS))


@pytest.fixture
def busy_room(cast, open_session, membership_factory, user_factory):
    """A room mid-session: someone out too long, someone here, a private message, a hand, camera off."""
    now = timezone.now()
    out = membership_factory(cast.group, user_factory(display_name="Ada Out")).user
    RoomParticipant.objects.create(
        session=open_session, user=out, stepped_out_at=now - timedelta(minutes=cast.group.welfare_threshold_minutes + 3)
    )
    RoomParticipant.objects.create(session=open_session, user=cast.member)
    RoomParticipant.objects.create(session=open_session, user=cast.leader, is_leader=True)
    RoomAlert.objects.create(session=open_session, user=out, kind=RoomAlert.Kind.MESSAGE)
    RoomAlert.objects.create(session=open_session, user=out, kind=RoomAlert.Kind.HAND)
    CameraOffNotice.objects.create(group=cast.group, user=out, session=open_session, reason="Low bandwidth")
    return open_session


def open_dashboard(page, live, session):
    page.goto(f"{live.url}/sessions/{session.pk}/dashboard/")
    expect(page.locator("#connection")).to_have_text(re.compile("Live"))
    page.wait_for_timeout(1500)  # the snapshot the socket sends on connecting has come and been applied


def test_the_script_adopts_the_server_drawn_page_and_changes_only_the_rows_an_event_changes(
    live_asgi, browser_context, cast, busy_room
):
    leader = signed_in_page(browser_context, live_asgi, cast.leader)
    leader.add_init_script(WATCH)
    open_dashboard(leader, live_asgi, busy_room)
    expect(leader.locator("#roster > li")).to_have_count(3)
    assert leader.evaluate("window.__changes") == []  # nothing redrawn: not on load, not on the socket's snapshot

    member = signed_in_page(browser_context, live_asgi, cast.member)
    member.goto(f"{live_asgi.url}/sessions/{busy_room.pk}/room/")
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"))
    member.get_by_role("button", name="Raise my hand").click()
    expect(leader.locator("#hands > li")).to_have_count(2)
    expect(leader.locator("#dash-summary")).to_have_text("Needs you now: 2 hands up, 1 private message.")
    leader.wait_for_timeout(500)
    changes = leader.evaluate("window.__changes")
    touched_rows = {(c["part"], c["row"]) for c in changes if c["part"] == "roster" and c["row"]}
    assert touched_rows == {("roster", str(cast.member.pk))}  # only Mo's row ("Hand up"), not Ada's or the leader's
    new_hand = str(RoomAlert.objects.get(user=cast.member, kind=RoomAlert.Kind.HAND).pk)
    assert {c["row"] for c in changes if c["part"] in ("hands", "alerts") and c["row"]} <= {new_hand}  # Ada's untouched
    assert ("hands", None, "childList") in {(c["part"], c["row"], c["type"]) for c in changes}  # Mo's hand added
    assert not any(c["part"] in ("to-arrive", "camera-off") for c in changes)


def test_the_script_draws_the_same_words_as_the_server(live_asgi, browser_context, cast, busy_room):
    """With the server's rows taken out of the page, the script draws them from the snapshot: the same text."""

    def text_of(page) -> dict:
        return {part: page.locator(f"#{part}").inner_text() for part in PARTS}

    server_drawn = signed_in_page(browser_context, live_asgi, cast.leader)
    open_dashboard(server_drawn, live_asgi, busy_room)

    script_drawn = signed_in_page(browser_context, live_asgi, cast.leader)

    def without_rows(route):
        response = route.fetch()
        html = response.text()
        for part in ("roster", "hands", "alerts"):
            html = re.sub(rf'(<(?:ol|ul) id="{part}"[^>]*>).*?(</(?:ol|ul)>)', r"\1\2", html, count=1, flags=re.S)
        route.fulfill(response=response, body=html)

    # (Chromium keeps a page whose document a test replaced off the local network's sockets: it draws from
    # the snapshot the page carries, then from polling.)
    script_drawn.route(re.compile(r".*/dashboard/$"), without_rows)
    script_drawn.goto(f"{live_asgi.url}/sessions/{busy_room.pk}/dashboard/")
    expect(script_drawn.locator("#sound-wrap")).to_be_visible()  # the script has run
    expect(script_drawn.locator("#roster > li")).to_have_count(3)
    assert text_of(script_drawn) == text_of(server_drawn)
