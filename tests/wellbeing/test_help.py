"""Help now: a link in the header of every page, a page of numbers to tap, and the same help at the hard moments."""

import re

import pytest
from django.urls import reverse

from sessions.models import GroupSession
from tests.browser.conftest import sign_in
from tests.browser.site_pages import Kind, admin_status, all_entries
from wellbeing.models import CrisisLine, SafetyPlan

pytestmark = pytest.mark.django_db

HELP_LINK = re.compile(r'<a class="help-now" href="/wellbeing/help/"[^>]*>Need help now\?</a>')
TAP_LINKS = ['href="tel:999"', 'href="tel:111"', 'href="tel:116123"', 'href="sms:85258?body=SHOUT"']


def test_the_defaults_are_englands_lines_seeded_by_the_migration():
    lines = list(CrisisLine.objects.shown())
    assert [(line.name, line.href) for line in lines] == [
        ("Emergency: 999", "tel:999"),
        ("NHS 111, mental health option", "tel:111"),
        ("Samaritans", "tel:116123"),
        ("Shout", "sms:85258?body=SHOUT"),
    ]
    assert lines[1].then == "choose option 2"


def test_every_page_has_the_help_link_in_its_header_for_every_role(site, client):
    checked, missing = 0, []
    for entry in all_entries():
        if entry.kind != Kind.PAGE or entry.act is not None or admin_status(entry, site) != 200:
            continue
        client.logout()
        if entry.role != "anonymous":
            sign_in(client, site.user(entry.role))
        html = client.get(entry.path(site)).content.decode()
        header = html.split("</header>")[0] if "</header>" in html else html.split('id="content"')[0]
        checked += 1
        if not HELP_LINK.search(header):
            missing.append(f"{entry} {entry.path(site)}")
    assert not missing, "No 'Need help now?' in the header of: " + ", ".join(missing)
    assert checked > 100  # every page of the site and the admin, not a handful


def test_the_help_page_has_numbers_to_tap_for_anyone(client):
    html = client.get(reverse("wellbeing:help")).content.decode()
    for link in TAP_LINKS:
        assert link in html
    assert "choose option 2" in html
    assert "panic" not in html.lower()
    assert "Make a safety plan" not in html  # nobody signed in: nothing of theirs to offer


def test_the_help_page_offers_the_members_own_safety_plan(cast, auth_client):
    client = auth_client(cast.member)
    assert "Make a safety plan" in client.get(reverse("wellbeing:help")).content.decode()
    SafetyPlan.objects.create(user=cast.member, reasons="My sister.")
    html = client.get(reverse("wellbeing:help")).content.decode()
    assert "Open my safety plan" in html and 'href="/wellbeing/safety-plan/"' in html


def test_a_trustee_changes_a_number_in_the_admin_and_every_page_shows_it(cast, client):
    sign_in(client, cast.trustee)
    samaritans = CrisisLine.objects.get(name="Samaritans")
    url = reverse("admin:wellbeing_crisisline_change", args=[samaritans.pk])
    form = {
        "name": "Samaritans",
        "when_to_use": "Free, any time.",
        "kind": "call",
        "number": "116 999",
        "text_message": "",
        "then": "",
        "position": "30",
        "is_shown": "on",
    }
    assert client.post(url, {**form, "number": "call me"}).status_code == 200  # refused: not a number
    assert client.post(url, form).status_code == 302
    assert 'href="tel:116999"' in client.get(reverse("wellbeing:help")).content.decode()


def test_a_member_cannot_change_the_numbers(cast, auth_client):
    line = CrisisLine.objects.first()
    response = auth_client(cast.member).get(reverse("admin:wellbeing_crisisline_change", args=[line.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_with_every_line_hidden_the_defaults_still_show(client):
    CrisisLine.objects.update(is_shown=False)
    html = client.get(reverse("wellbeing:help")).content.decode()
    assert all(link in html for link in TAP_LINKS)


# --- the same help at the moments it may be needed ------------------------------------------------------


def assert_short_help(html: str) -> None:
    for link in TAP_LINKS:
        assert link in html
    assert 'class="help-box"' in html


def test_the_room_holds_the_help_box_shown_after_triggering_and_a_line_always(site, auth_client):
    html = auth_client(site.cast.member).get(reverse("sessions:room", args=[site.open_session.pk])).content.decode()
    assert_short_help(html)
    assert re.search(r'<aside class="help-box" id="room-help" tabindex="-1"[^>]* hidden>', html)
    assert 'class="room-help-line"' in html and 'href="/wellbeing/safety-plan/"' in html  # one tap from the room


def test_saying_it_was_triggering_without_javascript_points_to_help(site, auth_client):
    client = auth_client(site.cast.member)
    client.get(reverse("sessions:room", args=[site.open_session.pk]))
    response = client.post(
        reverse("sessions:room_action", args=[site.open_session.pk]), {"action": "triggered"}, follow=True
    )
    assert "“Need help now?” at the top of the page has numbers you can call or text" in response.content.decode()


def test_the_goodbye_after_leaving_the_room_shows_help(site, auth_client):
    html = auth_client(site.cast.member).get(reverse("sessions:room_left", args=[site.open_session.pk])).content
    assert_short_help(html.decode())


def test_when_the_session_has_ended_the_room_shows_help(site, auth_client):
    site.open_session.status = GroupSession.Status.ENDED
    site.open_session.save(update_fields=["status"])
    response = auth_client(site.cast.member).get(reverse("sessions:room", args=[site.open_session.pk]))
    assert response.status_code == 409
    assert_short_help(response.content.decode())


def test_a_room_not_open_yet_shows_no_help_box(site, auth_client):
    response = auth_client(site.cast.member).get(reverse("sessions:room", args=[site.upcoming_session.pk]))
    assert response.status_code == 409 and 'class="help-box"' not in response.content.decode()


def test_the_leaving_page_and_the_goodbye_after_leaving_the_group_show_help(cast, auth_client):
    client = auth_client(cast.member)
    assert_short_help(client.get(reverse("groups:leave", args=[cast.group.slug])).content.decode())
    response = client.post(reverse("groups:leave", args=[cast.group.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("groups:mine") + "?left=1"
    html = response.content.decode()
    assert "Thank you for being part of it" in html
    assert_short_help(html)


def test_after_a_concern_is_sent_help_is_shown(cast, auth_client):
    client = auth_client(cast.member)
    assert 'class="help-box"' not in client.get(reverse("safeguarding:my_concerns")).content.decode()
    response = client.post(
        reverse("safeguarding:raise_concern", args=[cast.group.slug]),
        {"about": "self", "category": "other", "risk_level": "low", "details": "Evenings are hard."},
        follow=True,
    )
    assert "Thank you for telling us" in response.content.decode()
    assert_short_help(response.content.decode())
