"""The leaders' dashboard page, its snapshot endpoint (polled while the socket is down) and its form actions."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from safeguarding.models import Concern, Removal
from sessions.models import CameraOffNotice, GroupSession, RoomAlert, RoomParticipant

JSON = {"HTTP_ACCEPT": "application/json"}


def dashboard_url(session) -> str:
    return reverse("sessions:dashboard", args=[session.pk])


def snapshot_url(session) -> str:
    return reverse("sessions:dashboard_snapshot", args=[session.pk])


def action_url(session) -> str:
    return reverse("sessions:dashboard_action", args=[session.pk])


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def busy_room(cast, open_session, membership_factory, user_factory):
    """make(n): n more members in the room, each with a raised hand and a private-message alert."""

    def make(n: int):
        for i in range(n):
            user = membership_factory(cast.group, user_factory(display_name=f"Busy {i}")).user
            RoomParticipant.objects.create(session=open_session, user=user)
            RoomAlert.objects.create(session=open_session, user=user, kind=RoomAlert.Kind.HAND)
            RoomAlert.objects.create(session=open_session, user=user, kind=RoomAlert.Kind.MESSAGE)
            CameraOffNotice.objects.create(group=cast.group, user=user, session=open_session, reason=f"Reason {i}")

    return make


# --- the permission ladder -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [dashboard_url, snapshot_url], ids=["page", "snapshot"])
def test_anonymous_visitor_is_sent_to_sign_in(client, open_session, url):
    response = client.get(url(open_session))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [dashboard_url, snapshot_url], ids=["page", "snapshot"])
@pytest.mark.parametrize("who", ["outsider", "other_leader", "trustee"])
def test_people_outside_the_group_get_not_found(auth_client, cast, open_session, url, who):
    assert auth_client(getattr(cast, who)).get(url(open_session)).status_code == 404


@pytest.mark.parametrize("url", [dashboard_url, snapshot_url], ids=["page", "snapshot"])
@pytest.mark.parametrize("who", ["member", "pending", "suspended", "removed"])
def test_members_are_refused_the_dashboard(auth_client, cast, open_session, url, who):
    assert auth_client(getattr(cast, who)).get(url(open_session)).status_code == 403


@pytest.mark.parametrize("who", ["leader", "co_leader"])
def test_every_leader_of_the_group_sees_the_dashboard(auth_client, cast, open_session, who):
    response = auth_client(getattr(cast, who)).get(dashboard_url(open_session))
    assert response.status_code == 200
    assert "Leaders' dashboard" in response.content.decode()


def test_dashboard_of_a_session_that_is_not_open_says_so(auth_client, cast, open_session):
    open_session.status = GroupSession.Status.SCHEDULED
    open_session.save(update_fields=["status"])
    response = auth_client(cast.leader).get(dashboard_url(open_session))
    assert response.status_code == 409
    assert auth_client(cast.leader).get(snapshot_url(open_session)).json()["code"] == "not_open"


# --- what the dashboard shows ----------------------------------------------------------------------


def test_dashboard_shows_hands_in_order_the_roster_and_who_is_still_to_arrive(
    auth_client, cast, open_session, membership_factory, user_factory
):
    second = membership_factory(cast.group, user_factory(display_name="Second Sam")).user
    for user in (second, cast.member):
        RoomParticipant.objects.create(session=open_session, user=user)
        RoomAlert.objects.create(session=open_session, user=user, kind=RoomAlert.Kind.HAND)
    RoomParticipant.objects.filter(user=second).update(stepped_out_at=timezone.now())
    page = auth_client(cast.leader).get(dashboard_url(open_session)).content.decode()
    hands = page[page.index('id="hands"') : page.index('id="hands-empty"')]
    assert hands.index("Second Sam") < hands.index("Member Mo")
    roster = page[page.index('id="roster"') : page.index('id="roster-empty"')]
    assert "Stepped out" in roster
    arriving = page[page.index('id="to-arrive"') : page.index('id="to-arrive-empty"')]
    assert "Co Leader" in arriving
    assert "Member Mo" not in arriving


def test_dashboard_shows_camera_off_notices_with_their_reasons(auth_client, cast, open_session):
    CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=open_session, reason="Low bandwidth")
    page = auth_client(cast.leader).get(dashboard_url(open_session)).content.decode()
    assert "Low bandwidth" in page


def test_dashboard_says_who_acknowledged_an_alert(auth_client, cast, open_session):
    RoomAlert.objects.create(
        session=open_session,
        user=cast.member,
        kind=RoomAlert.Kind.TRIGGERED,
        acknowledged_by=cast.co_leader,
        acknowledged_at=timezone.now(),
    )
    assert "Acknowledged by Co Leader." in auth_client(cast.leader).get(dashboard_url(open_session)).content.decode()


def test_dashboard_page_has_no_inline_script_or_style(auth_client, cast, open_session):
    page = auth_client(cast.leader).get(dashboard_url(open_session)).content.decode()
    assert "<script>" not in page
    assert 'style="' not in page
    assert '<script type="module" src="/static/js/dashboard.js">' in page
    assert '<script id="room-snapshot" type="application/json">' in page


def test_snapshot_describes_the_room_without_any_words_anyone_wrote(auth_client, cast, open_session):
    RoomParticipant.objects.create(session=open_session, user=cast.member, stepped_out_at=timezone.now())
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.MESSAGE)
    snapshot = auth_client(cast.leader).get(snapshot_url(open_session)).json()
    assert snapshot["type"] == "snapshot"
    assert snapshot["session"]["welfare_threshold_minutes"] == cast.group.welfare_threshold_minutes
    member = next(p for p in snapshot["participants"] if p["name"] == "Member Mo")
    assert member["status"] == "stepped_out"
    [alert] = snapshot["alerts"]
    assert set(alert) == {
        "id",
        "kind",
        "kind_label",
        "user_id",
        "name",
        "created_at",
        "check_in",
        "check_in_label",
        "had_note",
        "matched_word",
        "acknowledged_at",
        "acknowledged_by",
        "lowered_at",
        "lowered_by",
        "concern_recorded",
        "needs_you",
    }


def test_polling_the_snapshot_shows_the_prompt_about_someone_stepped_out_too_long(auth_client, cast, open_session):
    from sessions.room.welfare import prompt_welfare

    long_ago = timezone.now() - timedelta(minutes=cast.group.welfare_threshold_minutes + 2)
    RoomParticipant.objects.create(session=open_session, user=cast.member, stepped_out_at=long_ago)
    prompt_welfare()  # beat, every half minute: a GET writes nothing (test_dashboard_reads_only.py)
    snapshot = auth_client(cast.leader).get(snapshot_url(open_session)).json()
    assert [a["kind"] for a in snapshot["alerts"]] == ["welfare"]
    auth_client(cast.co_leader).get(snapshot_url(open_session))
    assert RoomAlert.objects.filter(kind=RoomAlert.Kind.WELFARE).count() == 1


# --- query counts: flat however busy the room is ----------------------------------------------------


@pytest.mark.parametrize("members", [1, 25])
def test_snapshot_query_count_does_not_grow_with_the_room(
    auth_client, cast, open_session, busy_room, members, django_assert_num_queries
):
    busy_room(members)
    client = auth_client(cast.leader)
    # 1 session, 2 user, 3 leads any group (MFA middleware), 4 has MFA (middleware), 5 session+group,
    # 6 membership, 7 current guidelines, 8 agreement, 9 removed from this session?,
    # 10 participants with users, 11 active memberships (still to arrive), 12 alerts with people, 13 camera-off notices
    with django_assert_num_queries(13):
        assert client.get(snapshot_url(open_session)).status_code == 200


@pytest.mark.parametrize("members", [1, 25])
def test_dashboard_query_count_does_not_grow_with_the_room(
    auth_client, cast, open_session, busy_room, members, django_assert_num_queries
):
    busy_room(members)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))  # the leader's first visit creates their place in the room
    # 1 session, 2 user, 3 leads any group, 4 has MFA, 5 session+group, 6 membership, 7 current guidelines,
    # 8 agreement, 9 removed from this session?, 10-12 savepoint, lock the leader's place, release,
    # 13 participants, 14 still to arrive, 15 alerts, 16 camera-off notices
    with django_assert_num_queries(16):
        assert client.get(dashboard_url(open_session)).status_code == 200


# --- leader actions as plain form posts --------------------------------------------------------------


def test_members_cannot_post_dashboard_actions(auth_client, cast, open_session):
    response = auth_client(cast.member).post(action_url(open_session), {"action": "lower_all_hands"})
    assert response.status_code == 403


def test_outsiders_posting_dashboard_actions_get_not_found(auth_client, cast, open_session):
    response = auth_client(cast.other_leader).post(action_url(open_session), {"action": "lower_all_hands"})
    assert response.status_code == 404


def test_leader_acknowledges_without_javascript(auth_client, cast, open_session):
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    response = client.post(action_url(open_session), {"action": "acknowledge", "alert": str(alert.pk)})
    assert response.url == dashboard_url(open_session)
    assert flashed(response) == ["Acknowledged by Leader Lee."]
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast.leader


def test_leader_lowers_all_hands_without_javascript(auth_client, cast, open_session):
    RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    client.post(action_url(open_session), {"action": "lower_all_hands"})
    assert not RoomAlert.objects.raised_hands().exists()


def test_leader_removes_a_member_without_javascript(auth_client, cast, open_session):
    RoomParticipant.objects.create(session=open_session, user=cast.member)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    response = client.post(
        action_url(open_session), {"action": "remove", "user": str(cast.member.pk), "reason": "complaint", "note": ""}
    )
    assert "has been removed from this session" in flashed(response)[0]
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).status == "removed"
    removal = Removal.objects.get()
    assert (removal.kind, removal.decided_by) == ("session", cast.leader)
    assert Membership.objects.get(user=cast.member, group=cast.group).status == Membership.Status.ACTIVE


def test_removal_without_a_reason_is_refused(auth_client, cast, open_session):
    RoomParticipant.objects.create(session=open_session, user=cast.member)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    response = client.post(action_url(open_session), {"action": "remove", "user": str(cast.member.pk), "reason": ""})
    assert "reason" in flashed(response)[0]
    assert not Removal.objects.exists()


def test_leader_turns_the_chat_off_without_javascript(auth_client, cast, open_session):
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    client.post(action_url(open_session), {"action": "chat_toggle", "enabled": "false"})
    open_session.refresh_from_db()
    assert open_session.chat_enabled is False


def test_leader_ends_the_session_without_javascript(auth_client, cast, open_session):
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    response = client.post(action_url(open_session), {"action": "end_session"})
    assert response.url == reverse("sessions:detail", args=[open_session.pk])
    open_session.refresh_from_db()
    assert open_session.status == GroupSession.Status.ENDED


def test_leader_records_a_flag_as_a_concern_typed_by_hand(auth_client, cast, open_session):
    RoomParticipant.objects.create(session=open_session, user=cast.member)
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.TRIGGERED)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    response = client.post(
        action_url(open_session),
        {
            "action": "make_concern",
            "alert": str(alert.pk),
            "text": "Said they had thoughts of self-harm",
            "category": "risk_to_self",
            "risk_level": "immediate",
        },
        **JSON,
    )
    assert response.json()["action"] == "make_concern"
    assert Concern.objects.get().details == "Said they had thoughts of self-harm"
    alert.refresh_from_db()
    assert alert.concern_recorded_at is not None


def test_concern_with_an_unknown_category_is_refused(auth_client, cast, open_session):
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.MESSAGE)
    client = auth_client(cast.leader)
    client.get(dashboard_url(open_session))
    response = client.post(
        action_url(open_session),
        {"action": "make_concern", "alert": str(alert.pk), "text": "x", "category": "gossip", "risk_level": "low"},
        **JSON,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_field"
    assert not Concern.objects.exists()
