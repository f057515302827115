"""A word in private (sessions/room/private_word.py): a leader takes one member aside into a second LiveKit room.

The private room's tokens are decoded with pyjwt; removal and the end of the session are carried out on the fake
LiveKit on loopback (tests/video/fake_livekit.py), which checks each request's signed token and grant; the audit
trail says who and when, never anything said; the refusals come from the same checks as the group call's."""

import jwt
import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from core import live
from core.models import AuditEvent
from groups.models import Membership
from safeguarding.removals import remove_member
from sessions.room.models import PrivateWord
from sessions.video import identity_for

JSON = {"HTTP_ACCEPT": "application/json"}


def dashboard_action(client, session, **data):
    return client.post(reverse("sessions:dashboard_action", args=[session.pk]), data, **JSON).json()


def room_action(client, session, **data):
    return client.post(reverse("sessions:room_action", args=[session.pk]), data, **JSON).json()


def private_credential(client, session):
    return client.post(reverse("sessions:private_credential", args=[session.pk]), **JSON)


def decode(fake, token: str) -> dict:
    return jwt.decode(token, fake.api_secret, algorithms=["HS256"], options={"verify_aud": False})


@pytest.fixture
def inbox(in_memory_layer):
    """inbox(group) -> read(): the messages that group's sockets receive (a channel of our own in it)."""
    layer = get_channel_layer()

    def listen(group: str):
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channel)

        def read() -> list[dict]:
            queue = layer.channels.get(channel)
            received = []
            while queue is not None and not queue.empty():
                received.append(async_to_sync(layer.receive)(channel)["payload"])
            return received

        return read

    return listen


@pytest.fixture
def in_call(fake_livekit, cast, open_session, in_room):
    """Both leaders and the member are in the room, the member let into the call."""
    in_room(open_session, cast.leader)
    in_room(open_session, cast.co_leader)
    in_room(open_session, cast.member, admitted=True)
    return open_session


@pytest.fixture
def started(in_call, cast, auth_client, fake_livekit):
    """Leader Lee asked Member Mo for a word in private and Mo said yes; both browsers are in its room."""
    assert (
        dashboard_action(auth_client(cast.leader), in_call, action="private_word_invite", user=cast.member.pk)["type"]
        == "done"
    )
    assert room_action(auth_client(cast.member), in_call, action="private_word_accept")["type"] == "done"
    word = PrivateWord.objects.get(session=in_call)
    for user in (cast.leader, cast.member):
        fake_livekit.join(word.room, identity_for(in_call.pk, user.pk))
    return word


def actions(word: PrivateWord) -> list[tuple[str, dict]]:
    return [
        (e.action, e.data)
        for e in AuditEvent.objects.filter(
            action__startswith="sessions.private_word.", subject_id=str(word.pk)
        ).order_by("id")
    ]


# --- invite, answer, the private room's tokens ---------------------------------------------------------------


def test_the_member_is_asked_kindly_and_the_other_leaders_see_who_is_with_whom(
    in_call, cast, auth_client, inbox, django_capture_on_commit_callbacks
):
    member_hears = inbox(live.user_group(cast.member.pk))
    leaders_see = inbox(live.leaders_group(in_call.pk))
    answer = dashboard_action(auth_client(cast.leader), in_call, action="private_word_invite", user=cast.member.pk)
    assert answer == {
        "type": "done",
        "action": "private_word_invite",
        "message": "Member Mo has been asked. You'll see here when they answer.",
    }
    word = PrivateWord.objects.get(session=in_call)
    [invited] = member_hears()
    assert invited == {
        "type": "private_word_invited",
        "session_id": in_call.pk,
        "word": word.pk,
        "leader": "Leader Lee",
        "message": "Leader Lee would like a word in private.",
    }
    [seen] = leaders_see()
    assert seen["word"] == {
        "id": word.pk,
        "state": "invited",
        "leader_id": cast.leader.pk,
        "leader": "Leader Lee",
        "member_id": cast.member.pk,
        "member": "Member Mo",
    }
    # Co Leader's page asks who is in a private word (on load and on every reconnect): names only.
    words = auth_client(cast.co_leader).get(reverse("sessions:private_words", args=[in_call.pk])).json()
    assert words == {"words": [seen["word"]]}

    leader_hears = inbox(live.user_group(cast.leader.pk))
    assert room_action(auth_client(cast.member), in_call, action="private_word_accept")["type"] == "done"
    started = [m for m in leader_hears() if m["type"] == "private_word_started"]
    assert started == [
        {
            "type": "private_word_started",
            "session_id": in_call.pk,
            "word": word.pk,
            "message": "You're in a private word with Member Mo.",
        }
    ]
    assert leaders_see()[-1]["word"]["state"] == "started"
    assert actions(word) == [
        ("sessions.private_word.invited", {"session": in_call.pk, "member": cast.member.pk, "leader": cast.leader.pk}),
        ("sessions.private_word.started", {"session": in_call.pk, "member": cast.member.pk, "leader": cast.leader.pk}),
    ]


def test_the_private_rooms_tokens_are_for_those_two_in_one_unguessable_room_with_no_more_power(
    started, cast, auth_client, fake_livekit, in_call
):
    import time

    rooms = set()
    for user in (cast.leader, cast.member):
        before = int(time.time())
        response = private_credential(auth_client(user), in_call)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        claims = decode(fake_livekit, response.json()["token"])
        assert claims["sub"] == identity_for(in_call.pk, user.pk)
        assert claims["name"] == user.display_name
        assert 60 <= claims["exp"] - before <= 122
        video = claims["video"]
        rooms.add(video["room"])
        assert video["roomJoin"] is True
        assert video["roomRecord"] is False and video["roomAdmin"] is False
        assert video["roomCreate"] is False and video["roomList"] is False
        assert video["canPublishData"] is False and video["canUpdateOwnMetadata"] is False
        assert video["canPublishSources"] == ["camera", "microphone"]
    assert rooms == {started.room}
    # Its own room: not the group's, not made of ids anyone knows, and different for every private word.
    assert started.room != in_call.video_room
    for known in (str(in_call.pk), str(cast.leader.pk), str(cast.member.pk), in_call.video_room):
        assert known not in started.room.removeprefix("pw-") or len(known) < 3
    assert len(started.room) >= 30
    # Nobody else gets one: the other leader, or a member who is not in it.
    for other in (cast.co_leader,):
        refused = private_credential(auth_client(other), in_call)
        assert refused.status_code == 409 and refused.json()["code"] == "no_private_word"
        assert "token" not in refused.json()


def test_not_now_keeps_the_member_with_the_group_and_tells_the_leader(in_call, cast, auth_client, inbox, fake_livekit):
    dashboard_action(auth_client(cast.leader), in_call, action="private_word_invite", user=cast.member.pk)
    leader_hears = inbox(live.user_group(cast.leader.pk))
    answer = room_action(auth_client(cast.member), in_call, action="private_word_decline")
    assert answer["message"] == "That's fine. You stay with the group."
    [ended] = [m for m in leader_hears() if m["type"] == "private_word_ended"]
    assert ended["message"] == "Member Mo would rather not just now."
    word = PrivateWord.objects.get(session=in_call)
    assert word.ending == "declined" and word.started_at is None
    assert private_credential(auth_client(cast.member), in_call).status_code == 409
    assert actions(word)[-1] == (
        "sessions.private_word.ended",
        {"session": in_call.pk, "member": cast.member.pk, "leader": cast.leader.pk, "ending": "declined"},
    )
    assert fake_livekit.calls == []  # nothing was ever opened on the engine


# --- refused ---------------------------------------------------------------------------------------------------


def test_only_a_leader_can_ask_and_only_for_a_member_in_the_call(
    in_call, cast, auth_client, in_room, open_session, membership_factory, user_factory
):
    member = auth_client(cast.member)
    assert room_action(member, in_call, action="private_word_invite", user=cast.leader.pk)["code"] == "forbidden"
    leader = auth_client(cast.leader)
    # Someone who has not come into the room, a leader, someone still waiting: refused, nothing made.
    assert dashboard_action(leader, in_call, action="private_word_invite", user=cast.outsider.pk)["code"] == "not_found"
    assert dashboard_action(leader, in_call, action="private_word_invite", user=cast.co_leader.pk)["code"] == (
        "invalid_field"
    )
    waiting = membership_factory(cast.group, user_factory(display_name="Waiting Wen")).user
    in_room(open_session, waiting)
    assert dashboard_action(leader, in_call, action="private_word_invite", user=waiting.pk)["code"] == "waiting"
    assert not PrivateWord.objects.exists()
    # One at a time.
    dashboard_action(leader, in_call, action="private_word_invite", user=cast.member.pk)
    again = dashboard_action(auth_client(cast.co_leader), in_call, action="private_word_invite", user=cast.member.pk)
    assert again["code"] == "busy"
    assert PrivateWord.objects.count() == 1


def test_a_member_who_is_not_in_the_session_or_was_removed_gets_no_private_token(
    started, cast, auth_client, in_call, django_capture_on_commit_callbacks
):
    in_call.participants.filter(user=cast.member).update(left_at=in_call.starts_at)
    assert private_credential(auth_client(cast.member), in_call).json()["code"] == "not_in_room"
    in_call.participants.filter(user=cast.member).update(left_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        dashboard_action(auth_client(cast.co_leader), in_call, action="remove", user=cast.member.pk, reason="complaint")
    refused = private_credential(auth_client(cast.member), in_call)
    assert refused.status_code == 403 and "token" not in refused.json()
    # And the leader's own private token is gone with the private word.
    assert private_credential(auth_client(cast.leader), in_call).json()["code"] == "no_private_word"


def test_a_leader_who_is_no_longer_a_leader_gets_no_private_token(started, cast, auth_client, in_call):
    Membership.objects.filter(group=cast.group, user=cast.leader).update(role=Membership.Role.MEMBER)
    refused = private_credential(auth_client(cast.leader), in_call)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_with_the_plain_link_a_word_in_private_is_not_offered(cast, open_session, in_room, auth_client, settings):
    settings.VIDEO_PROVIDER = "link"
    in_room(open_session, cast.leader)
    in_room(open_session, cast.member, admitted=True)
    answer = dashboard_action(auth_client(cast.leader), open_session, action="private_word_invite", user=cast.member.pk)
    assert answer["code"] == "not_embedded"
    assert "on another site" in answer["message"]
    assert private_credential(auth_client(cast.member), open_session).json()["code"] == "not_embedded"
    page = auth_client(cast.leader).get(reverse("sessions:dashboard", args=[open_session.pk])).content.decode()
    assert 'value="private_word_invite"' not in page and "A word in private" not in page
    assert not PrivateWord.objects.exists()


def test_with_livekit_the_dashboard_offers_it_and_the_room_page_can_answer(in_call, cast, auth_client):
    dashboard = auth_client(cast.leader).get(reverse("sessions:dashboard", args=[in_call.pk])).content.decode()
    assert 'value="private_word_invite"' in dashboard and "A word in private" in dashboard
    room = auth_client(cast.member).get(reverse("sessions:room", args=[in_call.pk])).content.decode()
    assert 'value="private_word_accept"' in room and 'value="private_word_decline"' in room
    assert 'value="private_word_invite"' not in room


# --- on the engine: ending it, removal, the end of the session ---------------------------------------------------


def test_either_of_them_ends_it_the_room_closes_and_both_go_back_to_the_group(
    started, cast, auth_client, in_call, fake_livekit, inbox, django_capture_on_commit_callbacks
):
    hears = {user.pk: inbox(live.user_group(user.pk)) for user in (cast.leader, cast.member)}
    with django_capture_on_commit_callbacks(execute=True):
        answer = room_action(auth_client(cast.member), in_call, action="private_word_end")
    assert answer["message"] == "The private word has ended. You're back with the group."
    for read in hears.values():
        assert [m["type"] for m in read()] == ["private_word_ended"]
    assert [c.request for c in fake_livekit.calls_of("DeleteRoom")] == [{"room": started.room}]
    assert started.room not in fake_livekit.rooms
    assert fake_livekit.refused == []
    # Back in the group call: a fresh group credential, and none for the private room.
    group = auth_client(cast.member).post(reverse("sessions:call_credential", args=[in_call.pk]), **JSON)
    assert decode(fake_livekit, group.json()["token"])["video"]["room"] == in_call.video_room
    assert private_credential(auth_client(cast.member), in_call).status_code == 409
    assert [a for a, _ in actions(started)][-1] == "sessions.private_word.ended"
    assert actions(started)[-1][1]["ending"] == "ended"


def test_removing_the_member_during_it_takes_them_out_of_both_rooms(
    started, cast, auth_client, in_call, fake_livekit, django_capture_on_commit_callbacks
):
    member_id = identity_for(in_call.pk, cast.member.pk)
    fake_livekit.join(in_call.video_room, identity_for(in_call.pk, cast.co_leader.pk))
    fake_livekit.join(in_call.video_room, member_id)  # as if still connected to both (a second tab)
    with django_capture_on_commit_callbacks(execute=True):
        dashboard_action(auth_client(cast.co_leader), in_call, action="remove", user=cast.member.pk, reason="complaint")
    removed = {(c.request["room"], c.request["identity"]) for c in fake_livekit.calls_of("RemoveParticipant")}
    assert removed == {(in_call.video_room, member_id), (started.room, member_id)}
    assert member_id not in fake_livekit.in_room(in_call.video_room)
    assert started.room not in fake_livekit.rooms  # and the private room is closed
    assert fake_livekit.refused == []
    started.refresh_from_db()
    assert started.ending == "removed"
    assert actions(started)[-1][0] == "sessions.private_word.ended"


def test_a_safeguarding_removal_from_the_group_ends_it_too(
    started, cast, in_call, fake_livekit, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        remove_member(membership, actor=cast.leader, kind="permanent", reasons=["risk_to_members"])
    member_id = identity_for(in_call.pk, cast.member.pk)
    assert (started.room, member_id) in {
        (c.request["room"], c.request["identity"]) for c in fake_livekit.calls_of("RemoveParticipant")
    }
    assert PrivateWord.objects.current().count() == 0


def test_ending_the_session_ends_both_rooms(
    started, cast, auth_client, in_call, fake_livekit, django_capture_on_commit_callbacks
):
    fake_livekit.join(in_call.video_room, identity_for(in_call.pk, cast.co_leader.pk))
    with django_capture_on_commit_callbacks(execute=True):
        auth_client(cast.leader).post(reverse("sessions:end", args=[in_call.pk]))
    assert {c.request["room"] for c in fake_livekit.calls_of("DeleteRoom")} == {in_call.video_room, started.room}
    assert fake_livekit.rooms == {}
    started.refresh_from_db()
    assert started.ending == "session_ended"


def test_when_the_call_is_down_the_private_word_still_ends_here(
    started, cast, auth_client, in_call, fake_livekit, django_capture_on_commit_callbacks, caplog
):
    fake_livekit.stop()
    with django_capture_on_commit_callbacks(execute=True):
        answer = dashboard_action(auth_client(cast.leader), in_call, action="private_word_end")
    assert answer["type"] == "done"
    assert PrivateWord.objects.current().count() == 0
    assert "could not be reached" in caplog.text
    assert started.room not in caplog.text  # the room's name is not logged
