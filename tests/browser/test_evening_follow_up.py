"""The evening and the morning after, in Chromium: a member is still in the room when the leader ends the
session, asks to be contacted in the check-in that follows, the co-leader takes the follow-up on next
morning, writes to the member, the member answers, and the follow-up closes. axe on every new page, on a
320-pixel phone for the member and a 1280-pixel laptop for the co-leader."""

import re

import pytest
from playwright.sync_api import expect

from care.models import Conversation, FollowUp
from sessions.models import RoomAlert
from tests.browser.conftest import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_axe_problems(page):
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)


def test_a_contact_check_in_becomes_a_follow_up_a_conversation_and_a_closed_follow_up(site, context_for, live_asgi):
    url = live_asgi.url
    session = site.open_session
    FollowUp.objects.all().delete()  # only tonight's
    Conversation.objects.all().delete()
    RoomAlert.objects.all().delete()

    leader = context_for(site.cast.leader).new_page()
    leader.goto(f"{url}/sessions/{session.pk}/dashboard/")
    expect(leader.locator("#connection")).to_have_text(re.compile("Live"))

    member = context_for(site.cast.member, width=320).new_page()
    member.goto(f"{url}/sessions/{session.pk}/room/")
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"))

    # 22:00: the leader ends the session with the member still in the room.
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.get_by_role("button", name="End the session for everyone").click()

    # The member's page moves on to the leaving check-in, with nothing chosen.
    expect(member.get_by_role("heading", name="The session has ended")).to_be_visible()
    contact = member.get_by_label("I'd like someone to contact me")
    expect(contact).not_to_be_checked()
    expect(member.get_by_label("I'm OK")).not_to_be_checked()
    no_axe_problems(member)
    contact.check()
    member.get_by_role("button", name="Send to the leaders").click()
    expect(member.get_by_text("Thank you. The leaders have your check-in.")).to_be_visible()

    # The next morning: the co-leader sees the count on "Groups I lead" and takes the follow-up on.
    co_leader = context_for(site.cast.co_leader).new_page()
    co_leader.goto(f"{url}/groups/mine/")
    expect(co_leader.locator("#leading")).to_contain_text("1 open")
    co_leader.get_by_role("link", name=re.compile("Follow-ups")).first.click()
    expect(co_leader.get_by_role("heading", name="Follow-ups", exact=True)).to_be_visible()
    expect(co_leader.get_by_text("Member Mo: asked to be contacted")).to_be_visible()
    no_axe_problems(co_leader)
    co_leader.get_by_role("button", name=re.compile("Take this on")).click()
    expect(co_leader.get_by_text("Taken on by you")).to_be_visible()

    # She writes to the member.
    co_leader.get_by_role("link", name=re.compile("Write to them")).click()
    expect(co_leader.get_by_role("heading", name="Write to Member Mo")).to_be_visible()
    no_axe_problems(co_leader)
    co_leader.get_by_label("Your message").fill("Hello Mo, you asked us to get in touch. How are you this morning?")
    co_leader.get_by_role("button", name="Send").click()
    expect(co_leader.get_by_text("How are you this morning?")).to_be_visible()
    no_axe_problems(co_leader)

    # The member sees an unread message in the navigation, reads it, and answers.
    member.goto(f"{url}/groups/mine/")
    expect(member.locator(".nav-count")).to_contain_text("1")
    member.goto(f"{url}/care/messages/")
    no_axe_problems(member)
    member.get_by_role("link", name=re.compile("With the leaders of")).click()
    expect(member.get_by_text("Co Leader (leader)")).to_be_visible()
    no_axe_problems(member)
    member.get_by_label("Write to the leaders").fill("Thank you. A bit better. A call at lunchtime would be good.")
    member.get_by_role("button", name="Send").click()
    expect(member.get_by_text("A call at lunchtime would be good.")).to_be_visible()
    assert member.evaluate("document.documentElement.scrollWidth") <= 320

    # The co-leader reads the answer and closes the follow-up.
    co_leader.reload()
    expect(co_leader.get_by_text("A call at lunchtime would be good.")).to_be_visible()
    co_leader.get_by_role("link", name="follow-up").click()
    co_leader.get_by_label("How did it end?").select_option("spoke")
    co_leader.get_by_role("button", name=re.compile("^Close")).click()
    expect(co_leader.get_by_role("heading", name="Open (0)")).to_be_visible()
    expect(co_leader.get_by_text("Spoke with them, by Co Leader")).to_be_visible()
    no_axe_problems(co_leader)

    follow_up = FollowUp.objects.get()
    assert (follow_up.kind, follow_up.owner, follow_up.outcome) == ("contact", site.cast.co_leader, "spoke")
