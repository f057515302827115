"""The dashboard at 8 pm: urgent things first with a summary line, presence on the roster rather than in the
alert inbox, and "Lower all hands" only when hands are up."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core import britishtime
from sessions.models import GroupSession, RoomAlert
from sessions.room import presence
from sessions.room import snapshot as room_snapshot


def _enter(cast, session, user):
    presence.enter(session, cast.group.memberships.get(user=user))


def _dashboard(auth_client, cast, session) -> str:
    return auth_client(cast.leader).get(reverse("sessions:dashboard", args=[session.pk])).content.decode()


def test_reloads_and_flaky_phones_do_not_pile_up_cards_in_the_inbox(cast, open_session):
    _enter(cast, open_session, cast.member)
    for n in range(3):  # the phone drops and comes back
        presence.disconnect(open_session.pk, cast.member.pk, channel_name=f"phone-{n}")
        _enter(cast, open_session, cast.member)
    presence.disconnect(open_session.pk, cast.member.pk, channel_name="gone")
    snapshot = room_snapshot.snapshot(open_session)
    assert snapshot["alerts"] == []
    (member,) = [p for p in snapshot["participants"] if p["name"] == "Member Mo"]
    assert (member["status"], member["left_without_check_in"]) == ("left", True)


def test_the_roster_says_who_left_without_a_check_in(auth_client, cast, open_session):
    _enter(cast, open_session, cast.member)
    presence.disconnect(open_session.pk, cast.member.pk, channel_name="gone")
    page = _dashboard(auth_client, cast, open_session)
    roster = page[page.index('id="roster"') : page.index('id="roster-empty"')]
    assert ", without a check-in" in roster
    inbox = page[page.index('id="alerts"') : page.index('id="alerts-empty"')]
    assert "Member Mo" not in inbox


def test_urgent_alerts_come_first_with_a_summary_line(
    auth_client, cast, open_session, user_factory, membership_factory
):
    calm = membership_factory(cast.group, user_factory(display_name="Calm Cal")).user
    worried = membership_factory(cast.group, user_factory(display_name="Worried Wyn")).user
    RoomAlert.objects.create(session=open_session, user=worried, kind=RoomAlert.Kind.TRIGGERED)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    RoomAlert.objects.create(session=open_session, user=calm, kind=RoomAlert.Kind.CHECK_IN, check_in="ok")
    page = _dashboard(auth_client, cast, open_session)
    inbox = page[page.index('id="alerts"') : page.index('id="alerts-empty"')]
    assert inbox.index("Worried Wyn") < inbox.index("Calm Cal")  # older, but urgent
    summary = page[page.index('id="dash-summary"') :].split("</p>", 1)[0]
    assert "Needs you now: 1 hand up, 1 found something triggering." in summary


def test_the_summary_says_when_nothing_needs_the_leaders(cast, open_session):
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.MESSAGE)
    assert room_snapshot.snapshot(open_session)["summary"] == "Needs you now: 1 private message."
    RoomAlert.objects.filter(pk=alert.pk).update(acknowledged_by=cast.leader, acknowledged_at=alert.created_at)
    assert room_snapshot.snapshot(open_session)["summary"] == "Nothing needs you right now."


def test_lower_all_hands_only_when_hands_are_up(auth_client, cast, open_session):
    page = _dashboard(auth_client, cast, open_session)
    assert 'id="lower-all-form" hidden' in page
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    page = _dashboard(auth_client, cast, open_session)
    assert 'id="lower-all-form">' in page


def test_a_late_leader_sees_when_a_private_message_came_and_can_open_a_conversation(
    auth_client, client, cast, open_session
):
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.MESSAGE)
    url = reverse("care:alert_write", args=[alert.pk])
    assert reverse("account_login") in client.get(url).url
    page = _dashboard(auth_client, cast, open_session)
    at = britishtime.clock(alert.created_at)
    assert f"The words were shown only to the leaders here at {at}, and aren't kept." in page
    assert url in page
    for who in ("member", "other_leader", "trustee", "outsider"):
        assert auth_client(getattr(cast, who)).get(url).status_code == 404, who
    response = auth_client(cast.co_leader).post(url, {"body": "You messaged us at the session. How are you?"})
    from care.models import Conversation

    conversation = Conversation.objects.get()
    assert (conversation.member, conversation.group) == (cast.member, cast.group)
    assert response.url == reverse("care:conversation", args=[conversation.pk])


def test_jump_links_lead_to_each_part_of_the_dashboard(auth_client, cast, open_session):
    page = _dashboard(auth_client, cast, open_session)
    nav = page[page.index('class="dash-jump"') :].split("</nav>", 1)[0]
    for target in ("inbox-heading", "roster-heading", "chat-heading", "end-heading"):
        assert f'href="#{target}"' in nav
        assert f'id="{target}"' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_note_never_covers_the_alerts(cast, session_factory, browser_context, live_asgi):
    """On a phone, after acknowledging the last of many alerts, every alert below the sticky bar is uncovered."""
    from tests.room.conftest import signed_in_page

    session = session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)
    for _ in range(8):
        RoomAlert.objects.create(session=session, user=cast.member, kind=RoomAlert.Kind.TRIGGERED)
    page = signed_in_page(browser_context, live_asgi, cast.leader, viewport={"width": 390, "height": 700})
    page.goto(f"{live_asgi.url}/sessions/{session.pk}/dashboard/")
    expect(page.locator("#connection")).to_have_text(re.compile("Live"))
    button = page.get_by_role("button", name=re.compile("^Acknowledge")).last
    button.scroll_into_view_if_needed()
    button.click()
    expect(page.locator("#announce")).to_be_visible()
    # The note sits in the sticky bar at the top (with the summary), in the page's flow: not pinned over it.
    placed = page.evaluate(
        """() => {
          const note = document.getElementById("announce");
          return {position: getComputedStyle(note).position, inBar: Boolean(note.closest(".dash-sticky"))};
        }"""
    )
    assert placed == {"position": "static", "inBar": True}
    box = page.locator("#announce").bounding_box()
    assert box["y"] < 200  # at the top of the window, where nothing is hidden under it


def test_the_compact_roster_marks_hands_flags_and_camera_off(auth_client, cast, open_session):
    from sessions import camera_off_notices

    _enter(cast, open_session, cast.member)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.TRIGGERED)
    membership = cast.group.memberships.get(user=cast.member)
    camera_off_notices.give_camera_off_notice(membership, session=open_session, reason="Shared room", standing=False)
    page = _dashboard(auth_client, cast, open_session)
    roster = page[page.index('id="roster"') : page.index('id="roster-empty"')]
    assert "Hand up · Needs a look · Camera off" in roster
