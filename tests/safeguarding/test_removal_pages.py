"""The leaders' safeguarding page for a group, the removal form and reinstatement."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from safeguarding.models import Removal


def page_url(cast) -> str:
    return reverse("safeguarding:group_safeguarding", args=[cast.group.slug])


def remove_url(cast, user) -> str:
    return reverse("safeguarding:remove_member", args=[cast.group.slug, user.pk])


def reinstate_url(removal) -> str:
    return reverse("safeguarding:reinstate", args=[removal.pk])


LADDER = [("outsider", 404), ("other_leader", 404), ("trustee", 404), ("pending", 403), ("member", 403)]


# --- the group's safeguarding page ---------------------------------------------------------------


def test_page_needs_sign_in(client, cast):
    assert client.get(page_url(cast)).status_code == 302


@pytest.mark.parametrize(("who", "status"), LADDER)
def test_page_ladder(cast, auth_client, who, status):
    assert auth_client(getattr(cast, who)).get(page_url(cast)).status_code == status


def test_page_lists_members_with_actions(cast, auth_client, removal_factory):
    removal = removal_factory()

    response = auth_client(cast.leader).get(page_url(cast))

    text = response.content.decode()
    assert response.status_code == 200
    assert remove_url(cast, cast.suspended) in text  # a member: can be removed
    assert remove_url(cast, cast.co_leader) not in text  # a leader: only the trustees can
    assert reinstate_url(removal) in text and remove_url(cast, cast.member) not in text
    assert reverse("safeguarding:welfare_reveal", args=[cast.group.slug, cast.member.pk]) in text


def test_page_query_count_is_flat(cast, auth_client, membership_factory, removal_factory, django_assert_num_queries):
    for _ in range(3):
        removal_factory(membership_factory(cast.group).user)
    client = auth_client(cast.leader)

    # session, user, leads-any-group (MFA middleware), MFA authenticator, membership with group,
    # memberships with users, their removals in force (prefetch), count of open concerns
    with django_assert_num_queries(8):
        client.get(page_url(cast))


# --- removing ------------------------------------------------------------------------------------


def test_remove_needs_sign_in(client, cast):
    assert client.get(remove_url(cast, cast.member)).status_code == 302


@pytest.mark.parametrize(("who", "status"), LADDER)
def test_remove_ladder(cast, auth_client, who, status):
    target = cast.co_leader if who == "member" else cast.member
    assert auth_client(getattr(cast, who)).get(remove_url(cast, target)).status_code == status


def test_a_leader_cannot_open_the_form_for_a_co_leader(cast, auth_client):
    assert auth_client(cast.leader).get(remove_url(cast, cast.co_leader)).status_code == 403


def test_a_leader_removes_a_member_for_a_while(cast, auth_client, django_capture_on_commit_callbacks, mailoutbox):
    until = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")

    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(cast.leader).post(
            remove_url(cast, cast.member),
            {"kind": "temporary", "until": until, "reasons": ["talking_over", "complaint"], "note": "Talked on Monday"},
        )

    assert response.status_code == 302
    removal = Removal.objects.get()
    assert removal.kind == "temporary" and removal.reasons == ["talking_over", "complaint"]
    assert removal.note == "Talked on Monday"
    assert Membership.objects.get(group=cast.group, user=cast.member).status == Membership.Status.REMOVED
    assert [m.to for m in mailoutbox] == [[cast.member.email]]


def test_form_errors_are_shown_by_field(cast, auth_client):
    response = auth_client(cast.leader).post(remove_url(cast, cast.member), {"kind": "temporary"})

    assert response.status_code == 200
    assert b"Please choose at least one reason." in response.content
    assert b"Please choose when the removal ends." in response.content
    assert not Removal.objects.exists()


# --- reinstating ---------------------------------------------------------------------------------


def test_reinstate_needs_sign_in(client, cast, removal_factory):
    assert client.get(reinstate_url(removal_factory())).status_code == 302


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("other_leader", 404), ("member", 404)])
def test_reinstate_ladder(cast, auth_client, removal_factory, who, status):
    """The removal's existence is confidential, so everyone who may not act on it gets 404."""
    removal = removal_factory(cast.suspended)
    assert auth_client(getattr(cast, who)).get(reinstate_url(removal)).status_code == status


def test_a_leader_reinstates(cast, auth_client, removal_factory):
    removal = removal_factory()
    client = auth_client(cast.co_leader)

    assert client.get(reinstate_url(removal)).status_code == 200
    response = client.post(reinstate_url(removal), {"note": "Welcome back"})

    assert response.status_code == 302
    assert Membership.objects.get(group=cast.group, user=cast.member).status == Membership.Status.ACTIVE


def test_a_trustee_reinstates_through_the_site_too(cast, auth_client, removal_factory):
    removal = removal_factory()

    auth_client(cast.trustee).post(reinstate_url(removal), {})

    removal.refresh_from_db()
    assert removal.lifted_by == cast.trustee
