"""Invitation links: single use, expiring, revocable, for one group; and the pages around them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import invitations, services
from groups.models import Invitation, Membership, _hash_token
from tests.groups.conftest import LADDER, LEADER_PAGE, assert_outcome

S = Membership.Status


@pytest.fixture
def invite(cast):
    """invite(days=14) -> (invitation, raw token) for the cast's group, made by its leader."""

    def make(days: int = 14, group=None):
        return invitations.create_invitation(
            group or cast.group, actor=cast.leader if group is None else None, days=days
        )

    return make


def invitation_url(token: str) -> str:
    return reverse("groups:invitation", args=[token])


# --- the service ------------------------------------------------------------------------------


def test_only_the_token_hash_is_stored(cast):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    assert invitation.token_hash == _hash_token(token)
    assert token not in invitation.token_hash
    assert Invitation.find(token) == invitation


def test_accepting_makes_an_active_member_and_uses_the_invitation(cast, audit_actions):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    membership = invitations.accept_invitation(token, user=cast.outsider)
    assert (membership.group, membership.status) == (cast.group, S.ACTIVE)
    invitation.refresh_from_db()
    assert invitation.used_by == cast.outsider
    assert invitation.state == "used"
    assert audit_actions()[-1] == "groups.invitation.accepted"


def test_an_invitation_used_twice_is_refused(cast, user_factory):
    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    invitations.accept_invitation(token, user=cast.outsider)
    with pytest.raises(invitations.InvitationRefused, match="already been used") as refusal:
        invitations.accept_invitation(token, user=user_factory())
    assert refusal.value.code == "used"


def test_an_expired_invitation_is_refused(cast):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(invitations.InvitationRefused, match="has expired"):
        invitations.accept_invitation(token, user=cast.outsider)
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_a_revoked_invitation_is_refused(cast, audit_actions):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    invitations.revoke_invitation(invitation, actor=cast.co_leader)
    assert audit_actions()[-1] == "groups.invitation.revoked"
    with pytest.raises(invitations.InvitationRefused, match="was withdrawn"):
        invitations.accept_invitation(token, user=cast.outsider)


def test_an_invitation_for_another_group_is_refused(cast):
    _, token = invitations.create_invitation(cast.other_group, actor=cast.other_leader)
    with pytest.raises(invitations.InvitationRefused, match="is for another group"):
        invitations.accept_invitation(token, user=cast.outsider, group_slug=cast.group.slug)
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_an_unknown_token_is_refused(cast):
    with pytest.raises(invitations.InvitationRefused, match="don't recognise") as refusal:
        invitations.accept_invitation("not-a-real-token", user=cast.outsider)
    assert refusal.value.code == "unknown"


@pytest.mark.parametrize("who", ["suspended", "removed"])
def test_an_invitation_does_not_bring_back_someone_suspended_or_removed(who, cast):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    with pytest.raises(invitations.InvitationRefused, match="can't join this group"):
        invitations.accept_invitation(token, user=getattr(cast, who))
    invitation.refresh_from_db()
    assert invitation.state == "open"  # not used up by a refusal


def test_an_invitation_settles_a_pending_request(cast):
    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    membership = invitations.accept_invitation(token, user=cast.pending)
    assert membership.status == S.ACTIVE
    assert Membership.objects.filter(user=cast.pending, group=cast.group).count() == 1


def test_a_used_invitation_cannot_be_withdrawn(cast):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    invitations.accept_invitation(token, user=cast.outsider)
    with pytest.raises(services.GroupActionRefused, match="already been used"):
        invitations.revoke_invitation(invitation, actor=cast.leader)


# --- the invitation page --------------------------------------------------------------------------


def test_anonymous_visitor_sees_the_group_and_is_offered_sign_up_or_sign_in_coming_back(client, cast):
    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    response = client.get(invitation_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.group.name in html
    assert f"{reverse('account_signup')}?next={invitation_url(token)}" in html
    assert f"{reverse('account_login')}?next={invitation_url(token)}" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_anonymous_post_is_sent_to_sign_in_and_back(client, cast):
    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    response = client.post(invitation_url(token), {"group": cast.group.slug})
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={invitation_url(token)}"


def test_signed_in_person_joins_and_is_sent_to_agree_then_to_the_group_page(auth_client, cast):
    _, token = invitations.create_invitation(cast.group, actor=cast.leader)
    client = auth_client(cast.outsider)
    assert "Join Evening group" in client.get(invitation_url(token)).content.decode()
    response = client.post(invitation_url(token), {"group": cast.group.slug})
    assert response.status_code == 302
    assert response.url == f"/groups/{cast.group.slug}/agree/?next=%2Fgroups%2F{cast.group.slug}%2F"
    assert Membership.objects.get(user=cast.outsider, group=cast.group).status == S.ACTIVE


@pytest.mark.parametrize(
    ("spoil", "status", "message"),
    [
        ("use", 410, "already been used"),
        ("expire", 410, "has expired"),
        ("revoke", 410, "was withdrawn"),
    ],
)
def test_spoilt_invitation_pages_say_why_kindly(spoil, status, message, auth_client, cast, user_factory):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    if spoil == "use":
        invitations.accept_invitation(token, user=user_factory())
    elif spoil == "expire":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    else:
        invitations.revoke_invitation(invitation, actor=cast.leader)
    client = auth_client(cast.outsider)
    for response in (client.get(invitation_url(token)), client.post(invitation_url(token), {"group": cast.group.slug})):
        assert response.status_code == status
        assert message in response.content.decode()
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_posting_an_invitation_for_another_group_than_the_page_showed_is_refused(auth_client, cast):
    _, token = invitations.create_invitation(cast.other_group, actor=cast.other_leader)
    response = auth_client(cast.outsider).post(invitation_url(token), {"group": cast.group.slug})
    assert response.status_code == 200  # a 4xx would log the path, and this token still works for its group
    assert "is for another group" in response.content.decode()
    assert not Membership.objects.filter(user=cast.outsider).exists()


@pytest.mark.parametrize("who", ["suspended", "removed"])
def test_suspended_or_removed_person_following_an_invitation_is_told_kindly(who, auth_client, cast):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    response = auth_client(getattr(cast, who)).post(invitation_url(token), {"group": cast.group.slug})
    assert response.status_code == 200  # the link still works for someone else: no 4xx, whose path gets logged
    assert "join this group at the moment" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == "open"
    assert Membership.objects.get(user=getattr(cast, who), group=cast.group).status != S.ACTIVE


def test_unknown_invitation_page_is_not_found(client, db):
    response = client.get(invitation_url("made-up"))
    assert response.status_code == 404
    assert "recognise this invitation link" in response.content.decode()


def test_existing_member_following_an_invitation_goes_to_the_group_and_leaves_it_unused(auth_client, cast):
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader)
    response = auth_client(cast.member).post(invitation_url(token), {"group": cast.group.slug})
    assert response.status_code == 302
    assert response.url == cast.group.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.state == "open"


# --- leaders make and withdraw invitations ------------------------------------------------------


@pytest.mark.parametrize("who", LADDER)
def test_making_an_invitation_follows_the_permission_ladder(who, as_person, cast):
    response = as_person(who).post(reverse("groups:create_invitation", args=[cast.group.slug]), {"days": 7})
    assert_outcome(response, LEADER_PAGE[who])
    assert Invitation.objects.filter(group=cast.group).exists() == (LEADER_PAGE[who] == 200)


def test_the_new_link_is_shown_once_and_works(as_person, cast):
    client = as_person("leader")
    response = client.post(reverse("groups:create_invitation", args=[cast.group.slug]), {"days": 7, "note": "For Sam"})
    html = response.content.decode()
    invitation = Invitation.objects.get(group=cast.group)
    token = html.split("/groups/invite/")[1].split("/")[0]
    assert invitation.token_hash == _hash_token(token)
    assert "no-store" in response["Cache-Control"]
    members_page = client.get(reverse("groups:members", args=[cast.group.slug])).content.decode()
    assert "For Sam" in members_page
    assert token not in members_page  # never shown again


def test_making_an_invitation_with_a_silly_lifetime_is_refused(as_person, cast):
    response = as_person("leader").post(reverse("groups:create_invitation", args=[cast.group.slug]), {"days": 999})
    assert response.status_code == 302
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", LADDER)
def test_withdrawing_an_invitation_follows_the_permission_ladder(who, as_person, cast):
    invitation, _ = invitations.create_invitation(cast.group, actor=cast.leader)
    response = as_person(who).post(reverse("groups:revoke_invitation", args=[cast.group.slug, invitation.pk]))
    assert_outcome(response, LEADER_PAGE[who], success=302)
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) == (LEADER_PAGE[who] == 200)


def test_a_leader_cannot_withdraw_another_groups_invitation(as_person, cast):
    invitation, _ = invitations.create_invitation(cast.other_group, actor=cast.other_leader)
    response = as_person("leader").post(reverse("groups:revoke_invitation", args=[cast.group.slug, invitation.pk]))
    assert response.status_code == 404
