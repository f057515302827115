"""Leaders welcome or decline requests; the person gets a kind email either way, naming no other member."""

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import Membership
from tests.groups.conftest import LADDER, LEADER_PAGE, assert_outcome

S = Membership.Status


def request_of(cast) -> Membership:
    return Membership.objects.get(user=cast.pending, group=cast.group)


@pytest.mark.parametrize("who", LADDER)
def test_approving_follows_the_permission_ladder(who, as_person, cast):
    response = as_person(who).post(reverse("groups:approve", args=[cast.group.slug, request_of(cast).pk]))
    assert_outcome(response, LEADER_PAGE[who], success=302)
    assert (request_of(cast).status == S.ACTIVE) == (LEADER_PAGE[who] == 200)


@pytest.mark.parametrize("who", LADDER)
def test_declining_follows_the_permission_ladder(who, as_person, cast):
    url = reverse("groups:decline", args=[cast.group.slug, request_of(cast).pk])
    client = as_person(who)
    assert_outcome(client.get(url), LEADER_PAGE[who])
    assert_outcome(client.post(url, {"message": ""}), LEADER_PAGE[who], success=302)
    assert (request_of(cast).status == S.DECLINED) == (LEADER_PAGE[who] == 200)


def test_approving_needs_a_post(as_person, cast):
    response = as_person("leader").get(reverse("groups:approve", args=[cast.group.slug, request_of(cast).pk]))
    assert response.status_code == 405


def test_a_leader_cannot_answer_a_request_to_another_group(as_person, cast, membership_factory):
    elsewhere = membership_factory(cast.other_group, status=S.PENDING)
    response = as_person("leader").post(reverse("groups:approve", args=[cast.group.slug, elsewhere.pk]))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == S.PENDING


def test_approved_person_gets_a_welcome_email_without_any_link_to_a_meeting(
    as_person, cast, session_factory, django_capture_on_commit_callbacks
):
    session_factory(cast.group, meeting_link="https://meet.example.org/secret-evening-room")
    with django_capture_on_commit_callbacks(execute=True):
        as_person("leader").post(reverse("groups:approve", args=[cast.group.slug, request_of(cast).pk]))
    [email] = mail.outbox
    assert email.to == [cast.pending.email]
    assert "Welcome to Evening group" in email.subject
    assert reverse("groups:agree", args=[cast.group.slug]) in email.body
    assert "secret-evening-room" not in email.body
    for other in (cast.member, cast.leader, cast.co_leader):
        assert other.display_name not in email.body


def test_declined_person_gets_a_kind_email_with_the_leaders_message(
    as_person, cast, django_capture_on_commit_callbacks
):
    url = reverse("groups:decline", args=[cast.group.slug, request_of(cast).pk])
    with django_capture_on_commit_callbacks(execute=True):
        as_person("leader").post(url, {"message": "We're full until spring, sorry."})
    [email] = mail.outbox
    assert email.to == [cast.pending.email]
    assert email.subject == "About your request to join Evening group"
    assert "We're full until spring, sorry." in email.body
    assert "Samaritans" in email.body
    assert reverse("groups:directory") in email.body
    for other in (cast.member, cast.leader, cast.co_leader):
        assert other.display_name not in email.body
    assert request_of(cast).status == S.DECLINED


def test_a_request_answered_twice_says_so(as_person, cast):
    client = as_person("leader")
    client.post(reverse("groups:approve", args=[cast.group.slug, request_of(cast).pk]))
    response = client.post(
        reverse("groups:decline", args=[cast.group.slug, request_of(cast).pk]), {"message": ""}, follow=True
    )
    assert "already been answered" in [str(m) for m in response.context["messages"]][-1]
    assert request_of(cast).status == S.ACTIVE
