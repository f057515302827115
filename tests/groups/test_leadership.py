"""A leader appoints another leader, or steps down; a group always keeps one. Role changes are audited."""

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import Membership
from tests.groups.conftest import LADDER, LEADER_PAGE, assert_outcome

R = Membership.Role


def membership_of(user, cast) -> Membership:
    return Membership.objects.get(user=user, group=cast.group)


@pytest.mark.parametrize("who", LADDER)
def test_making_a_leader_follows_the_permission_ladder(who, as_person, cast, audit_actions):
    target = membership_of(cast.member, cast)
    response = as_person(who).post(reverse("groups:make_leader", args=[cast.group.slug, target.pk]))
    assert_outcome(response, LEADER_PAGE[who], success=302)
    allowed = LEADER_PAGE[who] == 200
    assert (membership_of(cast.member, cast).role == R.LEADER) == allowed
    assert ("groups.membership.role_changed" in audit_actions()) == allowed


@pytest.mark.parametrize("who", LADDER)
def test_ending_someones_leadership_follows_the_permission_ladder(who, as_person, cast):
    target = membership_of(cast.co_leader, cast)
    response = as_person(who).post(reverse("groups:step_down", args=[cast.group.slug, target.pk]))
    assert_outcome(response, LEADER_PAGE[who], success=302)
    assert (membership_of(cast.co_leader, cast).role == R.MEMBER) == (LEADER_PAGE[who] == 200)


def test_new_leader_is_emailed_about_two_step_verification(as_person, cast, django_capture_on_commit_callbacks):
    target = membership_of(cast.member, cast)
    with django_capture_on_commit_callbacks(execute=True):
        as_person("leader").post(reverse("groups:make_leader", args=[cast.group.slug, target.pk]))
    [email] = mail.outbox
    assert email.to == [cast.member.email]
    assert "two-step verification" in email.body
    assert cast.co_leader.display_name not in email.body


def test_new_leader_is_asked_to_set_up_two_step_verification_before_leader_pages(as_person, auth_client, cast):
    target = membership_of(cast.member, cast)
    as_person("leader").post(reverse("groups:make_leader", args=[cast.group.slug, target.pk]))
    response = auth_client(cast.member).get(reverse("groups:members", args=[cast.group.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_a_leader_steps_down_themselves_and_goes_back_to_the_group_page(as_person, cast):
    target = membership_of(cast.co_leader, cast)
    response = as_person("co_leader").post(reverse("groups:step_down", args=[cast.group.slug, target.pk]))
    assert response.status_code == 302
    assert response.url == cast.group.get_absolute_url()
    assert membership_of(cast.co_leader, cast).role == R.MEMBER


def test_the_last_leader_is_told_kindly_that_they_cannot_step_down(as_person, cast):
    Membership.objects.filter(user=cast.co_leader).update(role=R.MEMBER)
    target = membership_of(cast.leader, cast)
    response = as_person("leader").post(reverse("groups:step_down", args=[cast.group.slug, target.pk]), follow=True)
    assert "always needs a leader" in [str(m) for m in response.context["messages"]][-1]
    assert membership_of(cast.leader, cast).role == R.LEADER
