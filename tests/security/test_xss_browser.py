"""XSS in a real browser: every name and text people type is shown as text, in the live room, the
dashboard, the group and safeguarding pages, and the trustees' admin.

The `world` (conftest.py) puts `<img src=x onerror=...>` and `<script>` payloads in display names, group
names, topics, guest speakers, concerns, case notes, removal notes and invitations; the room test adds chat,
private messages and replies. A page passes when no script ran (`window.__xss` undefined, no dialog) AND
no element of a payload exists in the page: the CSP would stop the script of an injected element, so
"nothing ran" alone could hide an injection. The positive control injects one on purpose and sees both
detectors fire. The HTTP crawl (test_every_url.py) checks every page's HTML for the raw payloads too.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.room.conftest import signed_in_page
from tests.security.conftest import IMG_PAYLOAD, SCRIPT_PAYLOAD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECTED = """() => ({
  ran: window.__xss !== undefined,
  images: document.querySelectorAll('img[src="x"]').length,
  handlers: document.querySelectorAll('[onerror]').length,
  // Executable scripts only: the dashboard's snapshot is JSON data in a script element (json_script).
  scripts: [...document.scripts].filter((s) => s.type !== 'application/json' && s.textContent.includes('__xss')).length,
})"""
CLEAN = {"ran": False, "images": 0, "handlers": 0, "scripts": 0}


class Watch:
    """Dialogs, script errors and CSP reports of one page."""

    def __init__(self, page):
        self.page, self.dialogs, self.errors = page, [], []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def assert_clean(self, where: str) -> None:
        assert self.page.evaluate(INJECTED) == CLEAN, where
        assert self.dialogs == [], where
        assert [e for e in self.errors if "Content Security Policy" in e or "__xss" in e] == [], where


def open_page(browser_context, live, user):
    page = signed_in_page(browser_context, live, user)
    return page, Watch(page)


def test_the_room_and_dashboard_show_every_payload_as_text(live_asgi, browser_context, world):
    cast, session = world.cast, world.a.open_session
    leader, leader_watch = open_page(browser_context, live_asgi, cast.leader)
    leader.goto(f"{live_asgi.url}/sessions/{session.pk}/dashboard/")
    expect(leader.locator("#connection")).to_have_text(re.compile("Live"))
    member, member_watch = open_page(browser_context, live_asgi, cast.member)
    member.goto(f"{live_asgi.url}/sessions/{session.pk}/room/")
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"))

    member.get_by_role("button", name="Raise my hand").click()
    expect(leader.locator("#hands")).to_contain_text(IMG_PAYLOAD)  # the name, shown as the characters typed
    member.get_by_label("Your message").fill(SCRIPT_PAYLOAD + " private")
    member.get_by_role("button", name="Send to the leaders").click()
    expect(leader.locator("#alerts")).to_contain_text(SCRIPT_PAYLOAD + " private")
    member.get_by_label("Write to the group").fill(IMG_PAYLOAD + " chat")
    member.get_by_role("button", name="Send", exact=True).click()
    expect(leader.locator("#chat-log")).to_contain_text(IMG_PAYLOAD + " chat")
    expect(member.locator("#chat-log")).to_contain_text(IMG_PAYLOAD + " chat")

    entry = leader.locator("#roster li", has_text="ZQA-member")
    entry.locator("summary", has_text="Reply privately").click()
    entry.get_by_label("Your private reply").fill(IMG_PAYLOAD + " reply")
    entry.get_by_role("button", name="Send reply").click()
    expect(member.locator("#replies")).to_contain_text(IMG_PAYLOAD + " reply")

    leader_watch.assert_clean("dashboard")
    member_watch.assert_clean("room")
    leader.reload()  # and the dashboard as the server renders it (snapshot in json_script)
    expect(leader.locator("#hands")).to_contain_text(IMG_PAYLOAD)
    leader_watch.assert_clean("dashboard after reload")


def test_positive_control_an_injected_payload_is_caught(live_asgi, browser_context, world):
    """If a page ever inserted a payload as HTML, the checks above would see it (even though the CSP
    would block its script)."""
    page, watch = open_page(browser_context, live_asgi, world.cast.member)
    page.goto(f"{live_asgi.url}/")
    page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", IMG_PAYLOAD)
    found = page.evaluate(INJECTED)
    assert found["images"] == 1 and found["handlers"] == 1
    expect(page.locator("img[src='x']")).to_have_count(1)
    page.wait_for_timeout(300)
    assert found["ran"] is False  # the CSP blocked the handler...
    assert any("Content Security Policy" in e for e in watch.errors)  # ...and reported it


def app_pages(world) -> list[tuple[str, str]]:
    a, cast = world.a, world.cast
    return [
        ("member", reverse("groups:mine")),
        ("member", reverse("groups:detail", args=[a.group.slug])),
        ("member", reverse("sessions:detail", args=[a.upcoming.pk])),
        ("member", reverse("sessions:group", args=[a.group.slug])),
        ("member", reverse("safeguarding:my_concerns")),
        ("member", reverse("safeguarding:my_contact_details")),
        ("leader", reverse("groups:members", args=[a.group.slug])),
        ("leader", reverse("sessions:register", args=[a.upcoming.pk])),
        ("leader", reverse("sessions:camera_off_list", args=[a.upcoming.pk])),
        ("leader", reverse("safeguarding:group_concerns", args=[a.group.slug])),
        ("leader", reverse("safeguarding:concern_detail", args=[a.concern.pk])),
        ("leader", reverse("safeguarding:group_safeguarding", args=[a.group.slug])),
        ("leader", reverse("sessions:member_history", args=[a.group.slug, cast.member.pk])),
        ("trustee", reverse("safeguarding:concern_detail", args=[a.concern.pk])),
    ]


def admin_pages(world) -> list[str]:
    a = world.a
    pages = []
    for model, obj in [
        ("safeguarding_concern", a.concern),
        ("safeguarding_removal", a.removal),
        ("members_user", a.member),
        ("group_sessions_groupsession", a.upcoming),
        ("groups_supportgroup", a.group),
        ("groups_membership", a.pending),
        ("core_auditevent", None),
    ]:
        pages.append(reverse(f"admin:{model}_changelist"))
        if obj is not None:
            pages.append(reverse(f"admin:{model}_change", args=[obj.pk]))
    return pages


def test_the_app_pages_show_every_payload_as_text(live_asgi, browser_context, world):
    pages = {}
    for who, path in app_pages(world):
        if who not in pages:
            pages[who] = open_page(browser_context, live_asgi, getattr(world.cast, who))
        page, watch = pages[who]
        response = page.goto(live_asgi.url + path)
        assert response.status == 200, path
        watch.assert_clean(f"{path} as {who}")
    member_page = pages["member"][0]
    member_page.goto(live_asgi.url + reverse("groups:detail", args=[world.a.group.slug]))
    expect(member_page.get_by_role("heading", level=1)).to_contain_text(SCRIPT_PAYLOAD)  # shown, as text


def test_the_admin_shows_every_payload_as_text(live_asgi, browser_context, world):
    page, watch = open_page(browser_context, live_asgi, world.cast.trustee)
    for path in admin_pages(world):
        response = page.goto(live_asgi.url + path)
        assert response.status == 200, path
        watch.assert_clean(path)
    page.goto(live_asgi.url + reverse("admin:safeguarding_concern_change", args=[world.a.concern.pk]))
    expect(page.locator("body")).to_contain_text("ZQA-note")  # the case note is on the page, as text
