"""Redis stops for 20 seconds in the middle of a session, under the production web server (integration run).

Redis here is the app's channel layer, cache and Celery broker, all at once: a PRIVATE redis-server
started by the test (the machine's shared Redis is never touched), stopped and started again on the
same port. The leader's dashboard and the member's room run in real Chromium.

- Pages keep serving while Redis is down (sign-in included: its rate limits live in the cache).
- The member's actions work (falling back to plain requests while the socket is down) and none is lost.
- Work queued for Celery meanwhile waits in the outbox.
- Within 5 seconds of Redis returning, the dashboard shows what happened meanwhile, and the member's
  next action reaches it within 5 seconds too.
- No response of the whole drill is a 5xx.
(The same outage in-process, with the room's JavaScript fallback in detail: tests/room/test_browser_redis_outage.py.)
"""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.models import TaskOutbox
from sessions.models import RoomAlert
from tests.faults.servers import Browser
from tests.fixtures.factories import TEST_PASSWORD
from tests.room.conftest import session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 20
CATCH_UP_SECONDS = 5


def page_for(browser_context, server, user, failures: list):
    context = browser_context()
    cookie = session_cookie(user).decode().split("=", 1)[1]
    context.add_cookies([{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return page


def pages_still_serve(server, cast, session) -> list[str]:
    """Plain requests a member makes meanwhile; returns any that failed with a 5xx."""
    member = Browser(server)
    member.cookies["sessionid"] = session_cookie(cast.member).decode().split("=", 1)[1]
    failed = []
    for path in [
        "/",
        reverse("groups:mine"),
        cast.group.get_absolute_url(),
        reverse("sessions:detail", args=[session.pk]),
        reverse("sessions:room", args=[session.pk]),
        reverse("sessions:room_state", args=[session.pk]),
        reverse("safeguarding:my_concerns"),
    ]:
        response = member.get(path)
        if response.status >= 500:
            failed.append(f"{response.status} GET {path}")
    visitor = Browser(server)
    response = visitor.post(reverse("account_login"), {"login": cast.outsider.email, "password": TEST_PASSWORD})
    if response.status != 302:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.body, re.S)
        failed.append(f"{response.status} POST sign-in {errors}")
    return failed


def test_redis_stopped_for_twenty_seconds_mid_session(private_redis, app_server, browser_context, cast, open_session):
    server = app_server(redis_url=private_redis.url)
    failures: list[str] = []
    leader = page_for(browser_context, server, cast.leader, failures)
    leader.goto(f"{server.origin}/sessions/{open_session.pk}/dashboard/")
    expect(leader.locator("#connection")).to_have_text(re.compile("Live"))
    member = page_for(browser_context, server, cast.member, failures)
    member.goto(f"{server.origin}/sessions/{open_session.pk}/room/")
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"))

    private_redis.stop()
    stopped_at = time.monotonic()
    time.sleep(3)  # long enough for the server to notice

    # The member's actions still work (over the socket if it is up, else as plain requests) and are kept.
    member.get_by_role("button", name="Raise my hand").click()
    expect(member.locator("#sr-status")).to_have_text("Your hand is raised. The leaders can see it.")
    member.get_by_role("button", name=re.compile("stepping out", re.I)).click()
    expect(member.locator("#sr-status")).to_contain_text("stepped out", timeout=10_000)
    assert RoomAlert.objects.raised_hands().filter(user=cast.member).exists()

    assert pages_still_serve(server, cast, open_session) == []
    concern = Browser(server)
    concern.cookies["sessionid"] = session_cookie(cast.member).decode().split("=", 1)[1]
    response = concern.post(
        reverse("safeguarding:raise_concern", args=[cast.group.slug]),
        {"about": "self", "category": "risk_to_self", "risk_level": "medium", "details": "Raised during the outage."},
    )
    assert response.status == 302
    assert TaskOutbox.objects.filter(task_name="safeguarding.tasks.email_concern_raised").count() == 1

    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
    private_redis.start()

    # Within five seconds of Redis returning, the dashboard shows what happened meanwhile...
    roster = leader.locator("#roster li", has_text="Member Mo")
    expect(leader.locator("#hands")).to_contain_text("Member Mo", timeout=CATCH_UP_SECONDS * 1000)
    expect(roster).to_contain_text(re.compile("stepped out", re.I), timeout=CATCH_UP_SECONDS * 1000)
    # ...and the member's next action reaches it within five seconds too.
    member.get_by_role("button", name=re.compile("I'm back", re.I)).click()
    acted_at = time.monotonic()
    expect(roster).not_to_contain_text(re.compile("stepped out", re.I), timeout=CATCH_UP_SECONDS * 1000)
    assert time.monotonic() - acted_at <= CATCH_UP_SECONDS + 0.5

    assert pages_still_serve(server, cast, open_session) == []
    assert failures == [], failures
    assert "Internal Server Error" not in server.log()  # (the channel layer may log its reconnecting, which is fine)
