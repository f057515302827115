"""The member's private calendar address: made, shown once, replaced and switched off."""

import re

import pytest
from django.urls import reverse

from sessions import calendar_feeds
from sessions.models import CalendarFeed, GroupSession
from tests.sessions.conftest import assert_login_redirect, page_text


def make_address(client) -> str:
    response = client.post(reverse("sessions:calendar"), {"action": "new"})
    assert response.status_code == 200
    return re.search(r'value="(http[^"]+\.ics)"', response.content.decode()).group(1)


def test_anonymous_visitor_is_sent_to_sign_in(client_as):
    assert_login_redirect(client_as("anonymous").get(reverse("sessions:calendar")))


def test_making_an_address_shows_it_once_and_stores_only_a_hash(client_as, cast):
    client = client_as("member")
    url = make_address(client)
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")

    feed = CalendarFeed.objects.get(user=cast.member)
    assert feed.token_hash != token and token not in feed.token_hash
    assert token not in client.get(reverse("sessions:calendar")).content.decode()
    assert client.get(url).status_code == 200


def test_making_a_new_address_switches_the_old_one_off(client_as):
    client = client_as("member")
    old = make_address(client)
    new = make_address(client)

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_switching_the_address_off(client_as, cast):
    client = client_as("member")
    url = make_address(client)

    response = client.post(reverse("sessions:calendar"), {"action": "revoke"})

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(user=cast.member).exists()
    assert client.get(url).status_code == 404


def test_a_made_up_address_is_not_found(client, db):
    assert client.get(reverse("sessions:calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_a_deactivated_account_has_no_feed(client_as, cast):
    url = make_address(client_as("member"))
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    assert client_as("anonymous").get(url).status_code == 404


@pytest.fixture
def feed_token(cast):
    return calendar_feeds.new_calendar_feed(cast.member)


def feed(client, token):
    return client.get(reverse("sessions:calendar_feed", args=[token]))


def test_feed_lists_the_members_groups_sessions_only(client, cast, session_factory, feed_token):
    session_factory(cast.group, topic="Our session")
    session_factory(cast.other_group, topic="Someone else's session")

    response = feed(client, feed_token)

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Our session" in body
    assert "Someone else's" not in body
    assert cast.group.name not in body


def test_feed_marks_cancelled_sessions_so_calendars_drop_them(client, cast, session_factory, feed_token):
    session_factory(cast.group, topic="Called off", status=GroupSession.Status.CANCELLED)
    assert "STATUS:CANCELLED" in feed(client, feed_token).content.decode()


def test_feed_stops_when_the_member_leaves_the_group(client, cast, session_factory, feed_token):
    session_factory(cast.group, topic="Our session")
    cast.group.memberships.filter(user=cast.member).update(status="removed")
    assert "Our session" not in feed(client, feed_token).content.decode()


def test_feed_records_when_a_calendar_last_read_it(client, cast, feed_token):
    feed(client, feed_token)
    assert CalendarFeed.objects.get(user=cast.member).last_used_at is not None


def test_calendar_page_explains_what_the_feed_holds(client_as):
    assert "never holds the meeting link" in page_text(client_as("member").get(reverse("sessions:calendar")))
