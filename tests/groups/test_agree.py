"""The group agreement: members agree to the current guidelines before any session, and again when they change."""

import re

import pytest
from django.urls import reverse

from groups import services
from groups.models import Agreement, GuidelinesVersion
from tests.groups.conftest import LADDER, MEMBER_PAGE, assert_outcome


def new_version(group, leader, text="Kindness\nWe are kind to each other, always."):
    return services.publish_guidelines(
        group,
        actor=leader,
        principles="Trust: we keep each other safe.",
        guidelines=text,
        change_summary="Kinder words",
    )


@pytest.mark.parametrize("who", LADDER)
def test_agree_page_follows_the_permission_ladder(who, as_person, cast):
    new_version(cast.group, cast.co_leader)  # so nobody (but the author) has agreed yet
    response = as_person(who).get(reverse("groups:agree", args=[cast.group.slug]))
    assert_outcome(response, MEMBER_PAGE[who])


@pytest.mark.parametrize("who", LADDER)
def test_agreeing_follows_the_permission_ladder(who, as_person, cast):
    version = new_version(cast.group, cast.co_leader)
    response = as_person(who).post(
        reverse("groups:agree", args=[cast.group.slug]), {"version": version.pk, "agree": "on"}
    )
    assert_outcome(response, MEMBER_PAGE[who], success=302)
    agreed = Agreement.objects.filter(version=version).exclude(user=cast.co_leader).exists()
    assert agreed == (MEMBER_PAGE[who] == 200)


def test_agreeing_records_the_version_and_time(as_person, cast):
    version = new_version(cast.group, cast.leader)
    client = as_person("member")
    response = client.post(reverse("groups:agree", args=[cast.group.slug]), {"version": version.pk, "agree": "on"})
    assert response.status_code == 302
    agreement = Agreement.objects.get(user=cast.member, version=version)
    assert agreement.agreed_at is not None
    assert response.url == cast.group.get_absolute_url()


def test_agreeing_is_an_audit_event(as_person, cast, audit_actions):
    version = new_version(cast.group, cast.leader)
    as_person("member").post(reverse("groups:agree", args=[cast.group.slug]), {"version": version.pk, "agree": "on"})
    assert audit_actions()[-1] == "groups.agreement.recorded"


def test_agreeing_without_ticking_the_box_shows_a_kind_error_tied_to_the_field(as_person, cast):
    version = new_version(cast.group, cast.leader)
    response = as_person("member").post(reverse("groups:agree", args=[cast.group.slug]), {"version": version.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_agree_error"' in html
    assert "Please tick the box" in html
    assert not Agreement.objects.filter(user=cast.member, version=version).exists()


def test_member_who_read_an_older_version_is_asked_to_read_the_new_one(as_person, cast):
    old = new_version(cast.group, cast.leader)
    new_version(cast.group, cast.leader, text="Listening\nWe listen more than we speak.")
    client = as_person("member")
    response = client.post(reverse("groups:agree", args=[cast.group.slug]), {"version": old.pk, "agree": "on"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:agree", args=[cast.group.slug]))
    assert not Agreement.objects.filter(user=cast.member, version=old).exists()
    page = client.get(response.url).content.decode()
    assert "updated while you were reading" in page


def test_new_version_asks_members_again_and_says_what_changed(as_person, cast):
    new_version(cast.group, cast.leader)
    html = as_person("member").get(reverse("groups:agree", args=[cast.group.slug])).content.decode()
    assert "have changed since you last agreed" in html
    assert "Kinder words" in html
    assert "We are kind to each other, always." in html


def test_someone_who_already_agreed_is_sent_straight_on(as_person, cast):
    response = as_person("member").get(reverse("groups:agree", args=[cast.group.slug]) + "?next=/groups/mine/")
    assert response.status_code == 302
    assert response.url == "/groups/mine/"


def test_agree_page_never_sends_people_to_another_site(as_person, cast):
    version = new_version(cast.group, cast.leader)
    response = as_person("member").post(
        reverse("groups:agree", args=[cast.group.slug]) + "?next=https://evil.example/",
        {"version": version.pk, "agree": "on"},
    )
    assert response.status_code == 302
    assert response.url == cast.group.get_absolute_url()


def session_link(html: str) -> str:
    match = re.search(r'href="(/sessions/\d+/)"', html)
    assert match, "the group page links to its upcoming session"
    return match.group(1)


def test_member_cannot_reach_a_session_from_the_group_page_before_agreeing(as_person, cast, session_factory):
    session = session_factory(cast.group, topic="Finding calm")
    version = new_version(cast.group, cast.leader)
    client = as_person("member")
    group_page = client.get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "Read and agree to the guidelines" in group_page
    link = session_link(group_page)
    assert link == reverse("sessions:detail", args=[session.pk])

    # Following the session link leads to the agree page, which comes back to the session afterwards.
    response = client.get(link)
    assert response.status_code == 302
    agree_url = response.url
    assert agree_url.startswith(reverse("groups:agree", args=[cast.group.slug]))
    assert client.get(agree_url).status_code == 200
    response = client.post(agree_url, {"version": version.pk, "agree": "on"})
    assert response.status_code == 302
    assert response.url == link
    response = client.get(link)
    assert response.status_code == 200
    assert "Finding calm" in response.content.decode()


def test_member_who_agreed_goes_straight_to_the_session(as_person, cast, session_factory):
    session = session_factory(cast.group)
    client = as_person("member")
    link = session_link(client.get(reverse("groups:detail", args=[cast.group.slug])).content.decode())
    assert link == reverse("sessions:detail", args=[session.pk])
    assert client.get(link).status_code == 200


def test_member_is_asked_again_at_the_session_door_after_a_new_version(as_person, cast, session_factory):
    session = session_factory(cast.group)
    client = as_person("member")
    assert client.get(reverse("sessions:detail", args=[session.pk])).status_code == 200
    new_version(cast.group, cast.leader)
    response = client.get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:agree", args=[cast.group.slug]))


def test_group_with_no_guidelines_asks_for_no_agreement(as_person, cast):
    Agreement.objects.filter(version__group=cast.group).delete()
    GuidelinesVersion.objects.filter(group=cast.group).delete()
    response = as_person("member").get(reverse("groups:agree", args=[cast.group.slug]))
    assert response.status_code == 302
