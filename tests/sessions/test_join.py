"""The join page: every refusal with a kind message, the online-safety reminder, and the single-use ticket."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GuidelinesVersion, Membership
from sessions.models import Attendance, GroupSession, JoinToken
from tests.fixtures.factories import removed_from_session
from tests.sessions.conftest import LINK, assert_login_redirect, page_text


def join_url(session) -> str:
    return reverse("sessions:join", args=[session.pk])


def get_ticket_url(client, session) -> str:
    """POST the join page and read the ticket URL from the page that opens the meeting."""
    response = client.post(join_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert LINK not in html
    return re.search(r'href="(/sessions/\d+/go/[^"/]+/)"', html).group(1)


# --- refusals ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client_as, joinable):
    assert_login_redirect(client_as("anonymous").get(join_url(joinable)))


@pytest.mark.parametrize("role", ["outsider", "other_leader", "trustee"])
def test_someone_outside_the_group_gets_not_found(client_as, joinable, role):
    response = client_as(role).get(join_url(joinable))
    assert response.status_code == 404
    assert LINK not in page_text(response)


def test_a_person_who_has_not_agreed_is_sent_to_the_agree_page_and_back(client_as, joinable, cast):
    GuidelinesVersion.objects.create(group=cast.group, number=2)  # new guidelines: everyone is asked again

    response = client_as("member").get(join_url(joinable))

    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:agree", args=[cast.group.slug]))
    assert "next=" + join_url(joinable).replace("/", "%2F") in response.url


def test_a_person_who_has_not_agreed_gets_no_ticket_by_posting(client_as, joinable, cast):
    GuidelinesVersion.objects.create(group=cast.group, number=2)

    response = client_as("member").post(join_url(joinable))

    assert response.status_code == 302
    assert not JoinToken.objects.exists()


def test_removed_member_is_refused_with_a_kind_message(client_as, joinable):
    response = client_as("removed").get(join_url(joinable))
    assert response.status_code == 403
    assert "not part of this group at the moment" in page_text(response)


def test_suspended_member_is_refused_with_a_kind_message(client_as, joinable):
    response = client_as("suspended").get(join_url(joinable))
    assert response.status_code == 403
    assert "paused" in page_text(response)


def test_pending_member_is_refused_until_welcomed(client_as, joinable):
    response = client_as("pending").get(join_url(joinable))
    assert response.status_code == 403
    assert "waiting for a leader" in page_text(response)


def test_joining_too_early_is_refused_and_says_when_it_opens(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(minutes=16))

    response = client_as("member").get(join_url(session))

    assert response.status_code == 403
    assert "a little early" in page_text(response)
    assert "15 minutes" in page_text(response)


def test_join_window_opens_fifteen_minutes_before_the_start(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(minutes=14, seconds=50))
    assert client_as("member").get(join_url(session)).status_code == 200


def test_join_window_follows_the_setting(client_as, cast, session_factory, settings):
    settings.JOIN_WINDOW_MINUTES_BEFORE = 30
    session = session_factory(cast.group, starts_in=timedelta(minutes=25))
    assert client_as("member").get(join_url(session)).status_code == 200


def test_joining_after_the_end_is_refused(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(hours=-2), length=timedelta(minutes=90))

    response = client_as("member").get(join_url(session))

    assert response.status_code == 403
    assert "has ended" in page_text(response)


def test_joining_a_session_the_leader_ended_is_refused(client_as, joinable):
    joinable.status = GroupSession.Status.ENDED
    joinable.save(update_fields=["status"])

    response = client_as("member").get(join_url(joinable))

    assert response.status_code == 403
    assert "has ended" in page_text(response)


def test_joining_a_cancelled_session_is_refused(client_as, joinable):
    joinable.status = GroupSession.Status.CANCELLED
    joinable.save(update_fields=["status"])

    response = client_as("member").get(join_url(joinable))

    assert response.status_code == 403
    assert "cancelled" in page_text(response)


def test_a_session_running_over_its_planned_end_can_still_be_joined_while_open(client_as, cast, session_factory):
    session = session_factory(
        cast.group, starts_in=timedelta(minutes=-100), length=timedelta(minutes=90), status=GroupSession.Status.OPEN
    )
    assert client_as("member").get(join_url(session)).status_code == 200


def test_someone_a_leader_removed_from_this_session_cannot_rejoin_it(client_as, cast, joinable):
    removed_from_session(joinable, cast.member)

    response = client_as("member").get(join_url(joinable))

    assert response.status_code == 403
    assert "asked you to leave this session" in page_text(response)


def test_without_a_meeting_link_the_member_is_told_kindly(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(minutes=5), meeting_link="")

    response = client_as("member").post(join_url(session))

    assert response.status_code == 403
    assert "haven't added the meeting link yet" in page_text(response)


# --- the page and the ticket ------------------------------------------------------------------


def test_join_page_reminds_the_member_of_online_safety_without_the_link(client_as, joinable):
    response = client_as("member").get(join_url(joinable))

    html = page_text(response)
    assert response.status_code == 200
    assert "private space" in html
    assert "record" in html and "screenshots" in html
    assert "don't share it" in html
    assert LINK not in html
    assert "no-store" in response["Cache-Control"]


def test_joining_opens_the_meeting_through_a_single_use_redirect_and_records_attendance(client_as, cast, joinable):
    client = client_as("member")
    ticket_url = get_ticket_url(client, joinable)

    response = client.get(ticket_url)

    assert response.status_code == 302
    assert response["Location"] == LINK
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    attendance = Attendance.objects.get(session=joinable, user=cast.member)
    assert attendance.left_at is None


def test_the_ticket_works_only_once(client_as, joinable):
    client = client_as("member")
    ticket_url = get_ticket_url(client, joinable)
    client.get(ticket_url)

    response = client.get(ticket_url)

    assert response.status_code == 403
    assert "already been used or has expired" in page_text(response)
    assert LINK not in page_text(response)


def test_an_expired_ticket_is_refused(client_as, joinable):
    client = client_as("member")
    ticket_url = get_ticket_url(client, joinable)
    JoinToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(ticket_url)

    assert response.status_code == 403
    assert "already been used or has expired" in page_text(response)


def test_a_ticket_is_useless_to_anyone_else(client_as, joinable, cast):
    ticket_url = get_ticket_url(client_as("member"), joinable)

    response = client_as("co_leader").get(ticket_url)

    assert response.status_code == 403
    assert LINK not in page_text(response)
    assert not Attendance.objects.exists()


def test_a_ticket_stops_working_when_the_member_is_removed_meanwhile(client_as, joinable, cast):
    client = client_as("member")
    ticket_url = get_ticket_url(client, joinable)
    Membership.objects.filter(user=cast.member, group=cast.group).update(status=Membership.Status.REMOVED)

    response = client.get(ticket_url)

    assert response.status_code == 403
    assert LINK not in page_text(response)


def test_the_database_holds_only_a_hash_of_the_ticket(client_as, joinable):
    ticket_url = get_ticket_url(client_as("member"), joinable)
    raw = ticket_url.rstrip("/").rsplit("/", 1)[-1]

    token = JoinToken.objects.get()
    assert token.token_hash != raw
    assert raw not in token.token_hash


def test_rejoining_keeps_one_attendance_row_and_counts_the_return(client_as, joinable, cast):
    client = client_as("member")
    client.get(get_ticket_url(client, joinable))
    client.get(get_ticket_url(client, joinable))

    attendance = Attendance.objects.get(session=joinable, user=cast.member)
    assert attendance.times_joined == 2


def test_leaders_join_through_the_same_page(client_as, joinable, cast):
    client = client_as("leader")
    response = client.get(get_ticket_url(client, joinable))
    assert response["Location"] == LINK
