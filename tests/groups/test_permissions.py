"""The lookup helpers and the agreement check that views, consumers and admin share."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from groups import invitations, permissions, services
from groups.models import Membership


def test_get_group_for_user_returns_the_group_and_the_membership(cast):
    group, membership = permissions.get_group_for_user(cast.member, cast.group.slug)
    assert group == cast.group
    assert membership.user == cast.member


@pytest.mark.parametrize("who", ["outsider", "other_leader", "trustee"])
def test_get_group_for_user_hides_the_group_from_outsiders(who, cast):
    with pytest.raises(Http404):
        permissions.get_group_for_user(getattr(cast, who), cast.group.slug)


@pytest.mark.parametrize("status", [Membership.Status.LEFT, Membership.Status.DECLINED])
def test_people_who_left_or_were_declined_are_outsiders_again(status, cast):
    Membership.objects.filter(user=cast.member, group=cast.group).update(status=status)
    with pytest.raises(Http404):
        permissions.get_group_for_user(cast.member, cast.group.slug)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("pending", "waiting for a leader"),
        ("suspended", "paused"),
        ("removed", "not part of this group"),
    ],
)
def test_members_without_the_right_are_refused_with_a_kind_message(who, message, cast):
    with pytest.raises(PermissionDenied, match=message):
        permissions.get_group_for_user(getattr(cast, who), cast.group.slug)


def test_leader_pages_refuse_members(cast):
    with pytest.raises(PermissionDenied, match="Only the group's leaders"):
        permissions.get_group_for_user(cast.member, cast.group.slug, leader=True)


def test_allow_pending_lets_someone_who_asked_reach_their_own_request(cast):
    _, membership = permissions.get_group_for_user(cast.pending, cast.group.slug, allow_pending=True)
    assert membership.status == Membership.Status.PENDING


def test_membership_of_another_group_is_not_found_by_its_leader(cast, membership_factory):
    stranger = membership_factory(cast.other_group)
    with pytest.raises(Http404):
        permissions.get_membership_for_leader(cast.leader, cast.group.slug, stranger.pk)


def test_invitation_of_another_group_is_not_found_by_its_leader(cast):
    invitation, _ = invitations.create_invitation(cast.other_group, actor=cast.other_leader)
    with pytest.raises(Http404):
        permissions.get_invitation_for_leader(cast.leader, cast.group.slug, invitation.pk)


@permissions.agreement_required
def a_session_page(request, membership):
    permissions.require_agreement(membership)
    return HttpResponse("the session")


def test_agreement_required_lets_an_agreed_member_through(cast):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    response = a_session_page(RequestFactory().get("/sessions/1/"), membership)
    assert response.content == b"the session"


def test_agreement_required_sends_others_to_the_agree_page_and_back(cast):
    services.publish_guidelines(
        cast.group, actor=cast.leader, principles="Trust: safe.", guidelines="New words", change_summary="New"
    )
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    response = a_session_page(RequestFactory().get("/sessions/1/?tab=2"), membership)
    assert response.status_code == 302
    assert response.url == f"/groups/{cast.group.slug}/agree/?next=%2Fsessions%2F1%2F%3Ftab%3D2"


def test_require_agreement_alone_refuses_with_a_permission_denied(cast):
    services.publish_guidelines(
        cast.group, actor=cast.leader, principles="Trust: safe.", guidelines="New words", change_summary="New"
    )
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    assert permissions.needs_agreement(membership)
    with pytest.raises(PermissionDenied, match="agree to the group's guidelines"):
        permissions.require_agreement(membership)
