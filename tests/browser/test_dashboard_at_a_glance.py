"""Mid-session, the leaders' dashboard shows whoever needs attention first at the top of "Who's here"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import GroupSession, RoomParticipant


def roster_names(html: str) -> list[str]:
    roster = html.split('id="roster"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<strong data-field="name">([^<]+)</strong>', roster)


def test_the_roster_starts_with_whoever_has_been_out_longest(
    cast, membership_factory, user_factory, session_factory, client
):
    session = session_factory(cast.group, starts_in=timedelta(minutes=-40), status=GroupSession.Status.OPEN)
    now = timezone.now()
    threshold = cast.group.welfare_threshold_minutes
    people = {
        "Ada (out too long)": {"stepped_out_at": now - timedelta(minutes=threshold + 5)},
        "Bo (just stepped out)": {"stepped_out_at": now - timedelta(minutes=1)},
        "Cy (here)": {},
        "Di (left)": {"left_at": now - timedelta(minutes=3)},
    }
    for name, times in people.items():
        user = membership_factory(cast.group, user_factory(display_name=name)).user
        RoomParticipant.objects.create(session=session, user=user, **times)
    RoomParticipant.objects.create(session=session, user=cast.co_leader, is_leader=True)

    client.force_login(cast.leader)
    html = client.get(f"/sessions/{session.pk}/dashboard/").content.decode()

    # The leader opening the page is in the room too, among the leaders.
    assert roster_names(html) == [
        "Ada (out too long)",
        "Bo (just stepped out)",
        "Cy (here)",
        "Co Leader",
        "Leader Lee",
        "Di (left)",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_who_steps_out_moves_to_the_top_while_the_leader_watches(
    site, context_for, live_asgi, membership_factory, user_factory
):
    session = site.open_session
    aaron = membership_factory(site.cast.group, user_factory(display_name="Aaron")).user
    for user in (aaron, site.cast.member):
        page = context_for(user, width=420).new_page()
        page.goto(f"{live_asgi.url}/sessions/{session.pk}/room/")
        expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
    member = page
    dashboard = context_for(site.cast.leader).new_page()
    dashboard.goto(f"{live_asgi.url}/sessions/{session.pk}/dashboard/")
    expect(dashboard.locator("#connection")).to_have_text(re.compile("Live"))
    roster = dashboard.locator("#roster > li")
    expect(roster.first).to_contain_text("Aaron")  # members in the room by name, then the leader

    member.get_by_role("button", name="I'm stepping out").press("Enter")
    expect(roster.first).to_contain_text("Member Mo")
    expect(roster.first).to_contain_text("Stepped out")

    member.get_by_role("button", name="I'm back").press("Enter")
    expect(roster.first).to_contain_text("Aaron")
    expect(roster.nth(1)).to_contain_text("Member Mo")
