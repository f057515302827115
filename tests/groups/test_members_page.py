"""The leaders' members page: requests, invitations, and everyone with role, status and last attendance."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import britishtime
from groups import invitations
from groups.models import Membership
from peersupport.group_pages import with_last_attendance
from tests.groups.conftest import LADDER, LEADER_PAGE, assert_outcome

S = Membership.Status


def members_url(cast) -> str:
    return reverse("groups:members", args=[cast.group.slug])


@pytest.mark.parametrize("who", LADDER)
def test_members_page_follows_the_permission_ladder(who, as_person, cast):
    assert_outcome(as_person(who).get(members_url(cast)), LEADER_PAGE[who])


def test_co_leaders_see_the_members_page_too(auth_client, cast):
    assert auth_client(cast.co_leader).get(members_url(cast)).status_code == 200


def test_members_page_lists_requests_with_their_notes(as_person, cast):
    Membership.objects.filter(user=cast.pending).update(request_note="I'm new to groups like this.")
    html = as_person("leader").get(members_url(cast)).content.decode()
    assert "Requests to join" in html
    assert cast.pending.display_name in html
    assert "new to groups like this." in html
    assert reverse("groups:approve", args=[cast.group.slug, Membership.objects.get(user=cast.pending).pk]) in html


def test_members_page_shows_everyone_with_role_and_status_but_not_people_who_left(as_person, cast, membership_factory):
    gone = membership_factory(cast.group, status=S.LEFT).user
    html = as_person("leader").get(members_url(cast)).content.decode()
    for person in (cast.leader, cast.co_leader, cast.member, cast.suspended, cast.removed):
        assert person.display_name in html
    assert "Suspended" in html and "Removed" in html
    assert gone.display_name not in html
    assert cast.other_leader.display_name not in html


def test_members_page_shows_last_attendance(as_person, cast, session_factory):
    from sessions.models import Attendance

    early = session_factory(cast.group, starts_in=-timedelta(days=40))
    later = session_factory(cast.group, starts_in=-timedelta(days=9))
    Attendance.objects.create(session=early, user=cast.member, joined_at=timezone.now() - timedelta(days=40))
    attended = timezone.localtime(timezone.now() - timedelta(days=9))
    Attendance.objects.create(session=later, user=cast.member, joined_at=attended)
    membership = with_last_attendance(Membership.objects.all()).get(user=cast.member, group=cast.group)
    assert membership.last_attended_at == attended
    html = as_person("leader").get(members_url(cast)).content.decode()
    assert britishtime.date_long(attended) in html
    assert reverse("sessions:member_history", args=[cast.group.slug, cast.member.pk]) in html


def test_members_page_lists_invitations_with_their_status(as_person, cast):
    invitations.create_invitation(cast.group, actor=cast.leader, note="For Ana")
    withdrawn, _ = invitations.create_invitation(cast.group, actor=cast.leader, note="For Bo")
    invitations.revoke_invitation(withdrawn, actor=cast.leader)
    html = as_person("leader").get(members_url(cast)).content.decode()
    assert "For Ana" in html and "Not used yet" in html
    assert "For Bo" in html and "Withdrawn" in html


@pytest.mark.parametrize("extra_members", [5, 200])
def test_members_page_query_count_stays_flat(
    extra_members, auth_client, cast, membership_factory, session_factory, django_assert_num_queries
):
    from sessions.models import Attendance

    session = session_factory(cast.group, starts_in=-timedelta(days=2))
    for n in range(extra_members):
        membership = membership_factory(cast.group, status=S.PENDING if n % 10 == 0 else S.ACTIVE)
        if n % 2:
            Attendance.objects.create(session=session, user=membership.user)
        if n % 25 == 0:
            invitations.create_invitation(cast.group, actor=cast.leader)
    client = auth_client(cast.leader)
    with django_assert_num_queries(7):
        # 1 the session, 2 the user, 3 "leads a group?" and 4 "has two-step verification?" (MFA middleware),
        # 5 the leader's membership of the group, 6 everyone's membership with user and last attendance,
        # 7 the invitations with who made and used them.
        response = client.get(members_url(cast))
    assert response.status_code == 200
