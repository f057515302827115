"""The member's room page and its plain-form fallback: works with JavaScript off, and over fetch."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core import live
from groups.models import GuidelinesVersion
from sessions.models import GroupSession, RoomAlert, RoomConnection, RoomParticipant
from tests.fixtures.factories import removed_from_session

JSON = {"HTTP_ACCEPT": "application/json"}


def room_url(session) -> str:
    return reverse("sessions:room", args=[session.pk])


def action_url(session) -> str:
    return reverse("sessions:room_action", args=[session.pk])


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def leader_is_connected(cast, session):
    """As if a leader's dashboard socket were open (a row the consumer writes on connect)."""
    participant = RoomParticipant.objects.create(session=session, user=cast.leader, is_leader=True)
    RoomConnection.objects.create(participant=participant, channel_name="test!leader")


# --- the room page: the permission ladder --------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, open_session):
    response = client.get(room_url(open_session))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["outsider", "other_leader", "trustee"])
def test_people_outside_the_group_get_not_found(auth_client, cast, open_session, who):
    assert auth_client(getattr(cast, who)).get(room_url(open_session)).status_code == 404


@pytest.mark.parametrize("who", ["pending", "suspended", "removed"])
def test_members_who_may_not_take_part_are_refused(auth_client, cast, open_session, who):
    assert auth_client(getattr(cast, who)).get(room_url(open_session)).status_code == 403


def test_member_who_has_not_agreed_to_the_current_guidelines_is_sent_to_agree(auth_client, cast, open_session):
    GuidelinesVersion.objects.create(group=cast.group, number=2)
    response = auth_client(cast.member).get(room_url(open_session))
    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:agree", args=[cast.group.slug]))


def test_member_removed_from_this_session_is_told_kindly_they_cannot_rejoin(auth_client, cast, open_session):
    removed_from_session(open_session, cast.member)
    response = auth_client(cast.member).get(room_url(open_session))
    assert response.status_code == 403
    assert "can&#x27;t rejoin it" in response.content.decode()


def test_member_sees_the_room_with_the_principles_and_the_leaders(auth_client, cast, open_session):
    response = auth_client(cast.member).get(room_url(open_session))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Raise my hand" in page
    assert "Leader Lee" in page and "Co Leader" in page
    assert "Trust:" in page  # the principles
    assert "Content-Security-Policy" in response.headers


def test_opening_the_room_page_is_coming_into_the_room(auth_client, cast, open_session):
    auth_client(cast.member).get(room_url(open_session))
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).status == "present"


def test_leader_opening_the_room_goes_to_the_dashboard(auth_client, cast, open_session):
    response = auth_client(cast.leader).get(room_url(open_session))
    assert response.status_code == 302
    assert response.url == reverse("sessions:dashboard", args=[open_session.pk])


@pytest.mark.parametrize(
    ("status", "words"),
    [(GroupSession.Status.SCHEDULED, "open yet"), (GroupSession.Status.ENDED, "has ended")],
)
def test_room_that_is_not_open_says_so_calmly(auth_client, cast, open_session, status, words):
    open_session.status = status
    open_session.save(update_fields=["status"])
    response = auth_client(cast.member).get(room_url(open_session))
    assert response.status_code == 409
    assert words in response.content.decode()


def test_room_page_query_count_is_pinned(auth_client, cast, open_session, django_assert_num_queries):
    client = auth_client(cast.member)
    client.get(room_url(open_session))  # first visit creates their place in the room
    # 1 session, 2 user, 3 leads any group (navigation/MFA middleware), 4 session+group, 5 membership,
    # 6 current guidelines, 7 agreement, 8 removed from this session?, 9-11 savepoint, lock their place, release,
    # 12 guidelines (principles), 13 leaders' names, 14 their place (welcome), 15 is their hand up?,
    # 16 the crisis lines (care's help box), 17 is this month's wellbeing check-in due? (sessions.entry; before 9)
    with django_assert_num_queries(17):
        assert client.get(room_url(open_session)).status_code == 200


# --- actions as plain form posts (no JavaScript) ---------------------------------------------------


def test_anonymous_action_is_sent_to_sign_in(client, open_session):
    response = client.post(action_url(open_session), {"action": "raise_hand"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_outsider_action_gets_not_found(auth_client, cast, open_session):
    assert auth_client(cast.outsider).post(action_url(open_session), {"action": "raise_hand"}).status_code == 404


def test_suspended_members_action_is_refused(auth_client, cast, open_session):
    assert auth_client(cast.suspended).post(action_url(open_session), {"action": "raise_hand"}).status_code == 403


def test_actions_are_post_only(auth_client, cast, open_session):
    assert auth_client(cast.member).get(action_url(open_session)).status_code == 405


def test_raising_a_hand_without_javascript_comes_back_to_the_room_with_a_kind_note(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "raise_hand"})
    assert response.status_code == 302
    assert response.url == room_url(open_session)
    assert flashed(response) == ["Your hand is raised. The leaders can see it."]
    assert RoomAlert.objects.raised_hands().filter(user=cast.member).exists()
    page = client.get(room_url(open_session)).content.decode()
    assert "Lower my hand" in page


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ({"action": "step_out"}, lambda p: p.stepped_out_at is not None),
        ({"action": "pass"}, lambda p: p.passing_since is not None),
        ({"action": "triggered", "note": ""}, lambda p: RoomAlert.objects.filter(kind="triggered").exists()),
        ({"action": "leave", "choice": "ok", "note": ""}, lambda p: p.left_at is not None),
    ],
    ids=["step_out", "pass", "triggered", "leave"],
)
def test_member_actions_work_as_plain_form_posts(auth_client, cast, open_session, data, check):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), data)
    assert response.status_code == 302
    assert check(RoomParticipant.objects.get(session=open_session, user=cast.member))


def test_leaving_without_javascript_ends_on_a_kind_goodbye_page(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "leave", "choice": "contact"})
    assert response.url == reverse("sessions:room_left", args=[open_session.pk])
    page = client.get(response.url).content.decode()
    assert "take good care of yourself" in page
    assert "Go back into the room" in page


def test_coming_back_after_leaving_is_allowed(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    client.post(action_url(open_session), {"action": "leave", "choice": "ok"})
    client.get(room_url(open_session))
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).status == "present"


def test_invalid_form_post_is_answered_with_the_error_and_nothing_changes(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "leave", "choice": "whenever"})
    assert response.status_code == 302
    assert "must be one of" in flashed(response)[0]
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).left_at is None


def test_member_cannot_post_a_leaders_action(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "end_session"}, **JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "forbidden"
    assert GroupSession.objects.get(pk=open_session.pk).status == GroupSession.Status.OPEN


# --- the fetch fallback (JSON) ---------------------------------------------------------------------


def test_fallback_post_answers_in_json_like_the_socket(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "raise_hand"}, **JSON)
    assert response.status_code == 200
    assert response.json()["type"] == "done"
    assert response.json()["state"]["hand_raised"] is True


def test_raised_hand_over_http_is_kept_even_when_the_channel_layer_is_down(
    auth_client, cast, open_session, monkeypatch
):
    monkeypatch.setattr(live, "group_send", lambda group, message: False)
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "raise_hand"}, **JSON)
    assert response.status_code == 200
    assert RoomAlert.objects.raised_hands().count() == 1


def test_private_message_over_http_is_relayed_when_the_layer_works(auth_client, cast, open_session):
    leader_is_connected(cast, open_session)
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "message", "text": "Can we talk?"}, **JSON)
    assert response.json()["message"] == "Your message reached the leaders."


def test_private_message_over_http_without_the_layer_tells_the_sender_clearly_and_keeps_nothing(
    auth_client, cast, open_session, monkeypatch
):
    leader_is_connected(cast, open_session)
    monkeypatch.setattr(live, "group_send", lambda group, message: False)
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "message", "text": "Can we talk?"}, **JSON)
    assert response.status_code == 503
    assert response.json()["code"] == "not_delivered"
    assert "could not reach the leaders" in response.json()["message"]
    assert "has not been kept" in response.json()["message"]
    assert not RoomAlert.objects.filter(kind="message").exists()


def test_private_message_without_a_connected_leader_is_not_delivered(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "message", "text": "Hello?"})
    assert "No leader is connected right now" in flashed(response)[0]


def test_a_stale_leader_connection_does_not_count_as_connected(auth_client, cast, open_session):
    leader_is_connected(cast, open_session)
    RoomConnection.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.post(action_url(open_session), {"action": "message", "text": "Hello?"}, **JSON)
    assert response.json()["code"] == "no_leader"


# --- the member's state (for the script while its socket is down) ---------------------------------


def test_state_endpoint_gives_the_members_own_state(auth_client, cast, open_session):
    client = auth_client(cast.member)
    client.get(room_url(open_session))
    response = client.get(reverse("sessions:room_state", args=[open_session.pk]))
    assert response.json()["hand_raised"] is False
    assert response["Cache-Control"].startswith("max-age=0")


def test_state_endpoint_tells_a_removed_member_why(auth_client, cast, open_session):
    removed_from_session(open_session, cast.member)
    response = auth_client(cast.member).get(reverse("sessions:room_state", args=[open_session.pk]))
    assert response.status_code == 403
    assert "can't rejoin" in response.json()["message"]


def test_state_endpoint_says_when_the_session_has_ended(auth_client, cast, open_session):
    open_session.status = GroupSession.Status.ENDED
    open_session.save(update_fields=["status"])
    response = auth_client(cast.member).get(reverse("sessions:room_state", args=[open_session.pk]))
    assert response.status_code == 409
    assert response.json()["code"] == "not_open"


def test_state_endpoint_for_an_outsider_is_not_found(auth_client, cast, open_session):
    assert auth_client(cast.outsider).get(reverse("sessions:room_state", args=[open_session.pk])).status_code == 404


def test_goodbye_page_is_for_members_only(auth_client, cast, open_session):
    url = reverse("sessions:room_left", args=[open_session.pk])
    assert auth_client(cast.outsider).get(url).status_code == 404


def test_fallback_post_from_a_removed_member_is_refused_in_json_with_kind_words(auth_client, cast, open_session):
    removed_from_session(open_session, cast.member)
    response = auth_client(cast.member).post(action_url(open_session), {"action": "raise_hand"}, **JSON)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "can't rejoin" in response.json()["message"]


def test_fallback_post_after_the_session_ended_says_so_in_json(auth_client, cast, open_session):
    open_session.status = GroupSession.Status.ENDED
    open_session.save(update_fields=["status"])
    response = auth_client(cast.member).post(action_url(open_session), {"action": "raise_hand"}, **JSON)
    assert response.status_code == 409
    assert response.json()["code"] == "not_open"
