"""My groups: the groups I lead or belong to with their next session, and the requests waiting for a reply."""

from datetime import timedelta

import pytest
from django.urls import reverse

from groups import services
from groups.models import Membership

S, R = Membership.Status, Membership.Role


def test_my_groups_needs_sign_in(client, db):
    response = client.get(reverse("groups:mine"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_member_sees_their_group_with_its_next_session(auth_client, cast, session_factory):
    session_factory(cast.group, topic="Later on", starts_in=timedelta(days=8))
    session_factory(cast.group, topic="Coming up soon", starts_in=timedelta(days=1))
    html = auth_client(cast.member).get(reverse("groups:mine")).content.decode()
    assert cast.group.get_absolute_url() in html
    assert "Coming up soon" in html
    assert "Later on" not in html
    assert cast.other_group.name not in html


def test_a_session_happening_now_comes_first_with_a_way_in(auth_client, cast, session_factory):
    from sessions.models import GroupSession

    session_factory(cast.group, topic="Later this week", starts_in=timedelta(days=2))
    now = session_factory(
        cast.group, topic="Tonight's evening", starts_in=-timedelta(minutes=10), status=GroupSession.Status.OPEN
    )
    html = auth_client(cast.member).get(reverse("groups:mine")).content.decode()
    assert "Happening now:</strong> Tonight&#x27;s evening" in html
    assert f'href="{reverse("sessions:detail", args=[now.pk])}">Come in to the session' in html
    assert "Later this week" not in html


def test_an_upcoming_session_links_to_its_page(auth_client, cast, session_factory):
    soon = session_factory(cast.group, topic="Coming up soon", starts_in=timedelta(days=1))
    html = auth_client(cast.member).get(reverse("groups:mine")).content.decode()
    assert "Happening now" not in html
    assert f'href="{reverse("sessions:detail", args=[soon.pk])}"' in html


def test_leader_sees_groups_they_lead_under_their_own_heading(auth_client, cast):
    html = auth_client(cast.leader).get(reverse("groups:mine")).content.decode()
    assert 'id="leading"' in html
    assert reverse("groups:members", args=[cast.group.slug]) in html


def test_pending_request_is_listed_as_waiting_with_a_way_to_withdraw(auth_client, cast):
    html = auth_client(cast.pending).get(reverse("groups:mine")).content.decode()
    assert "Waiting for a reply" in html
    assert f'href="{cast.group.get_absolute_url()}"' not in html  # not a member yet: no link to the group page
    assert reverse("groups:leave", args=[cast.group.slug]) in html


@pytest.mark.parametrize("who", ["suspended", "removed"])
def test_suspended_and_removed_memberships_are_not_offered_as_groups(who, auth_client, cast):
    html = auth_client(getattr(cast, who)).get(reverse("groups:mine")).content.decode()
    assert cast.group.name not in html
    assert "not in a group yet" in html


def test_a_member_asked_to_agree_again_sees_it_on_my_groups(auth_client, cast):
    services.publish_guidelines(
        cast.group, actor=cast.leader, principles="Trust: safe.", guidelines="New words", change_summary="New"
    )
    html = auth_client(cast.member).get(reverse("groups:mine")).content.decode()
    assert reverse("groups:agree", args=[cast.group.slug]) in html


def test_someone_in_no_group_is_pointed_to_the_directory(auth_client, cast):
    html = auth_client(cast.outsider).get(reverse("groups:mine")).content.decode()
    assert reverse("groups:directory") in html


@pytest.mark.parametrize("groups", [5, 200])
def test_my_groups_query_count_stays_flat(
    groups, auth_client, user_factory, group_factory, membership_factory, session_factory, django_assert_num_queries
):
    person = user_factory()
    for n in range(groups):
        group = group_factory()
        status = S.PENDING if n % 7 == 0 else S.ACTIVE
        membership_factory(group, person, status=status, agreed=n % 3 != 0)
        membership_factory(group)  # other people in the group do not change anything
        if n % 2:
            session_factory(group)
    client = auth_client(person)
    with django_assert_num_queries(4):
        # 1 the session, 2 the user, 3 "leads a group?" (MFA middleware; a member needs no two-step check),
        # 4 the memberships with their group, agreement state and next session.
        response = client.get(reverse("groups:mine"))
    assert response.status_code == 200


def test_my_groups_query_count_for_a_leader_of_many_groups(
    auth_client, user_factory, group_factory, membership_factory, django_assert_num_queries
):
    leader = membership_factory(group_factory(), role=R.LEADER).user  # with two-step verification
    for _ in range(20):
        Membership.objects.create(group=group_factory(), user=leader, role=R.LEADER, status=S.ACTIVE)
    client = auth_client(leader)
    with django_assert_num_queries(5):
        # 1 the session, 2 the user, 3 "leads a group?" and 4 "has two-step verification?" (MFA middleware),
        # 5 the memberships with their group, agreement state and next session.
        response = client.get(reverse("groups:mine"))
    assert response.status_code == 200
