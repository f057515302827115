"""Removal, mute and end carried out on the call's server: the fake LiveKit on loopback (tests/video/fake_livekit.py)
checks each request's signed token and grant, as the real one does. And when that server is down or slow:
the removal still holds in our app, the leaders are told, and no new credential is ever minted."""

import time

import pytest
from django.urls import reverse

from groups.models import Membership
from safeguarding.models import Removal
from safeguarding.removals import remove_member
from sessions.models import GroupSession, RoomParticipant
from sessions.video import identity_for

JSON = {"HTTP_ACCEPT": "application/json"}


def dashboard_action(client, session, **data):
    return client.post(reverse("sessions:dashboard_action", args=[session.pk]), data, **JSON)


def credential(client, session):
    return client.post(reverse("sessions:call_credential", args=[session.pk]), **JSON)


@pytest.fixture
def in_call(fake_livekit, cast, open_session, in_room):
    """The member and the leader are in the room and, as far as the call's server knows, in the call."""
    in_room(open_session, cast.leader)
    in_room(open_session, cast.member, admitted=True)
    member_id = identity_for(open_session.pk, cast.member.pk)
    fake_livekit.join(open_session.video_room, identity_for(open_session.pk, cast.leader.pk))
    fake_livekit.join(open_session.video_room, member_id, microphone=True, camera=True)
    return member_id


def test_removing_from_the_dashboard_takes_the_member_out_of_the_call_and_keeps_them_out(
    fake_livekit, cast, open_session, in_call, auth_client, django_capture_on_commit_callbacks
):
    leader = auth_client(cast.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = dashboard_action(leader, open_session, action="remove", user=cast.member.pk, reason="complaint")
    assert response.status_code == 200
    assert in_call not in fake_livekit.in_room(open_session.video_room)
    [removed] = fake_livekit.calls_of("RemoveParticipant")
    assert removed.request == {"room": open_session.video_room, "identity": in_call}
    assert fake_livekit.refused == []
    # And no new credential, ever, for this session.
    refused = credential(auth_client(cast.member), open_session)
    assert refused.status_code == 403 and "token" not in refused.json()


def test_a_safeguarding_removal_from_the_group_takes_them_out_of_the_live_call_too(
    fake_livekit, cast, open_session, in_call, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        remove_member(membership, actor=cast.leader, kind="permanent", reasons=["risk_to_members"])
    assert in_call not in fake_livekit.in_room(open_session.video_room)
    assert [c.request["identity"] for c in fake_livekit.calls_of("RemoveParticipant")] == [in_call]


def test_a_leader_mutes_a_members_microphone_from_the_dashboard(fake_livekit, cast, open_session, in_call, auth_client):
    response = dashboard_action(auth_client(cast.leader), open_session, action="mute", user=cast.member.pk)
    assert response.json()["type"] == "done"
    assert "muted" in response.json()["message"]
    [muted] = fake_livekit.calls_of("MutePublishedTrack")
    assert muted.request == {
        "room": open_session.video_room,
        "identity": in_call,
        "trackSid": f"TR_mic_{in_call}",
        "muted": True,
    }
    tracks = {t.sid: t.muted for t in fake_livekit.rooms[open_session.video_room][in_call].tracks}
    assert tracks == {f"TR_mic_{in_call}": True, f"TR_cam_{in_call}": False}  # the camera is theirs


def test_members_cannot_mute_anyone(fake_livekit, cast, open_session, in_call, auth_client):
    response = dashboard_action(auth_client(cast.member), open_session, action="mute", user=cast.leader.pk)
    assert response.status_code == 403
    assert fake_livekit.calls == []


def test_ending_the_session_ends_the_call_for_everyone(
    fake_livekit, cast, open_session, in_call, auth_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        auth_client(cast.leader).post(reverse("sessions:end", args=[open_session.pk]))
    assert GroupSession.objects.get(pk=open_session.pk).status == "ended"
    assert [c.request for c in fake_livekit.calls_of("DeleteRoom")] == [{"room": open_session.video_room}]
    assert open_session.video_room not in fake_livekit.rooms


def test_the_fake_refuses_a_token_signed_with_another_secret(fake_livekit, open_session, in_call, settings):
    """The positive control for the fake's checks: a wrong secret is refused, so its acceptance above means
    our requests really carry a valid admin token for the room."""
    from sessions.call import remove_from_call
    from sessions.video import VideoUnreachable

    settings.LIVEKIT_API_SECRET = "not-the-servers-secret-at-all-not-at-all"
    with pytest.raises(VideoUnreachable):
        remove_from_call(open_session, open_session.participants.get(is_leader=False).user_id)
    assert fake_livekit.refused == [("RemoveParticipant", "unauthenticated")]
    assert in_call in fake_livekit.in_room(open_session.video_room)


@pytest.mark.parametrize("fault", ["down", "slow"])
def test_when_the_call_cannot_be_reached_the_removal_still_holds_and_the_leaders_are_told(
    fake_livekit, cast, open_session, in_call, auth_client, leaders_inbox, django_capture_on_commit_callbacks, fault
):
    if fault == "down":
        fake_livekit.stop()
    else:
        fake_livekit.delay = 6  # far over VIDEO_API_TIMEOUT_SECONDS (1 s in these tests)
    leaders_inbox()  # nothing from before
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = dashboard_action(
            auth_client(cast.leader), open_session, action="remove", user=cast.member.pk, reason="complaint"
        )
    assert time.monotonic() - started < 5  # the leader is not held up for as long as the call server dawdles
    assert response.json()["type"] == "done"
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).status == "removed"
    assert Removal.objects.filter(session=open_session, kind="session").exists()
    problems = [m for m in leaders_inbox() if m.get("type") == "call_problem"]
    assert len(problems) == 1
    assert "could not be reached" in problems[0]["message"] and "cannot get back in" in problems[0]["message"]
    assert credential(auth_client(cast.member), open_session).status_code == 403


def test_mute_when_the_call_is_down_says_so(fake_livekit, cast, open_session, in_call, auth_client):
    fake_livekit.stop()
    response = dashboard_action(auth_client(cast.leader), open_session, action="mute", user=cast.member.pk)
    assert response.json()["code"] == "call_unreachable"
    assert "could not be reached" in response.json()["message"]
