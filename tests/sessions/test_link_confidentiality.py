"""The meeting link is never in a page, an email, a calendar or the database column before a successful join."""

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from sessions import calendar_feeds, services
from sessions.models import GroupSession, SessionEmailSent
from sessions.tasks import send_session_reminders
from tests.sessions.conftest import LINK

# Links a crawl must not follow: signing out, the admin, static files, the single-use ticket itself.
SKIP = ("/accounts/logout/", "/admin/", "/static/", "/go/")


def crawl(client, start_urls: list[str], *, skip: tuple[str, ...] = SKIP, limit: int = 300) -> dict[str, str]:
    """Every page reachable by following links from start_urls with GET, as this client: {url: html}."""
    seen: dict[str, str] = {}
    queue = deque(start_urls)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or any(part in url for part in skip):
            continue
        response = client.get(url)
        seen[url] = response.content.decode(errors="replace") + "\n" + str(response.headers)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        for href in re.findall(r'href="([^"]+)"', seen[url]):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("/") and not urlsplit(href).netloc:
                queue.append(href)
    return seen


@pytest.fixture
def sessions_of_every_kind(cast, session_factory):
    """Joinable now, open, tomorrow, ended, cancelled and without a link: every state a page can show."""
    return [
        session_factory(cast.group, starts_in=timedelta(minutes=5)),
        session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN),
        session_factory(cast.group, starts_in=timedelta(days=1)),
        session_factory(cast.group, starts_in=timedelta(days=-7), status=GroupSession.Status.ENDED),
        session_factory(cast.group, starts_in=timedelta(days=2), status=GroupSession.Status.CANCELLED),
        session_factory(cast.group, starts_in=timedelta(days=3), meeting_link=""),
    ]


def test_no_page_a_member_can_reach_holds_the_link(client_as, sessions_of_every_kind):
    pages = crawl(client_as("member"), ["/", reverse("groups:mine"), reverse("sessions:calendar")])

    assert any("/join/" in url for url in pages), "the crawl should reach the join page"
    assert any("/room/" in url for url in pages), "the crawl should reach the live room"
    assert len(pages) > 10
    leaking = [url for url, html in pages.items() if LINK in html]
    assert leaking == []


def test_the_page_after_pressing_join_holds_a_ticket_not_the_link(client_as, sessions_of_every_kind):
    joinable = sessions_of_every_kind[0]

    response = client_as("member").post(reverse("sessions:join", args=[joinable.pk]))

    assert response.status_code == 200
    assert "/go/" in response.content.decode()
    assert LINK not in response.content.decode()


def test_no_page_a_leader_can_reach_holds_the_link_except_the_link_form(client_as, sessions_of_every_kind):
    pages = crawl(client_as("leader"), ["/", reverse("groups:mine")], skip=(*SKIP, "/link/"))

    assert any("/register/" in url for url in pages), "the crawl should reach leader pages"
    assert any("/dashboard/" in url for url in pages), "the crawl should reach the leaders' dashboard"
    leaking = [url for url, html in pages.items() if LINK in html]
    assert leaking == []


def test_the_leaders_explicit_link_form_shows_the_link(client_as, sessions_of_every_kind):
    response = client_as("leader").get(reverse("sessions:meeting_link", args=[sessions_of_every_kind[2].pk]))
    assert LINK in response.content.decode()


def test_the_raw_database_column_holds_no_plaintext(upcoming):
    with connection.cursor() as cursor:
        cursor.execute("SELECT meeting_link FROM group_sessions_groupsession WHERE id = %s", [upcoming.pk])
        (raw,) = cursor.fetchone()

    assert raw
    assert LINK not in raw
    assert "meet.example.org" not in raw
    assert GroupSession.objects.get(pk=upcoming.pk).meeting_link == LINK


def test_no_email_holds_the_link(cast, upcoming, django_capture_on_commit_callbacks):
    send_session_reminders(upcoming.pk, SessionEmailSent.Kind.REMINDER_24H)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(upcoming, actor=cast.leader, message="Sorry, the leader is unwell.")

    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        assert LINK not in message.body
        assert LINK not in message.subject
        assert "meet.example.org" not in message.body


def test_the_calendar_feed_holds_no_link(client_as, cast, sessions_of_every_kind):
    raw = calendar_feeds.new_calendar_feed(cast.member)

    response = client_as("anonymous").get(reverse("sessions:calendar_feed", args=[raw]))

    assert response.status_code == 200
    assert "BEGIN:VEVENT" in response.content.decode()
    assert LINK not in response.content.decode()
    assert "meet.example.org" not in response.content.decode()
