"""In real Chromium: a new person follows an invitation, signs up, verifies their email, agrees and lands on the group.

The live server runs in a thread of this process, so the verification email is read from mail.outbox here.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from groups import invitations
from groups.models import Agreement, Membership
from tests.fixtures.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth's sign-up rate limit counts in the cache
    yield
    cache.clear()


def serious_accessibility_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def test_new_person_follows_an_invitation_signs_up_agrees_and_lands_on_the_group(
    live_asgi, browser_context, group_factory, membership_factory, user_factory, session_factory
):
    group = group_factory("Evening group", meeting_rhythm="Tuesdays, 7 pm")
    leader = membership_factory(group, user_factory(display_name="Leader Lee"), role=Membership.Role.LEADER).user
    session_factory(group, topic="Finding calm")
    _, token = invitations.create_invitation(group, actor=leader)

    page = browser_context(viewport={"width": 320, "height": 800}).new_page()  # the smallest phone we support
    page.goto(f"{live_asgi.url}/groups/invite/{token}/")
    assert page.get_by_role("heading", name="You're invited to join Evening group").is_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("link", name="Create an account to join").click()

    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Display name").fill("Robin")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password (again)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    [email] = [m for m in mail.outbox if m.to == ["robin@example.org"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", email.body).group(0)
    assert link.startswith(live_asgi.url)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Verified and signed in, the person is back on the invitation and joins.
    page.get_by_role("button", name="Join Evening group").click()
    page.wait_for_url(re.compile(r"/groups/group-\d+/agree/"))
    assert page.get_by_role("heading", name="The group agreement: Evening group").is_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("button", name="Agree and continue").click()
    assert page.get_by_text("Please tick the box to agree").is_visible()  # nothing is agreed by accident
    page.get_by_label("I have read the group's principles and guidelines, and I agree to them.").check()
    page.get_by_role("button", name="Agree and continue").click()

    assert page.get_by_role("heading", name="Evening group", exact=True).is_visible()
    assert page.get_by_role("link", name="Finding calm").is_visible()
    assert page.get_by_text("Leader Lee").is_visible()
    assert serious_accessibility_problems(page) == []

    membership = Membership.objects.get(user__email="robin@example.org", group=group)
    assert membership.status == Membership.Status.ACTIVE
    assert Agreement.objects.filter(user=membership.user, version=group.current_guidelines()).exists()
