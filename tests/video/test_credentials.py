"""The call credential: minted at click time after every join check, decoded here with pyjwt field by field."""

import re
import time

import jwt
import pytest
from django.urls import reverse

from groups.models import Membership
from sessions.models import CameraOffNotice
from sessions.video import identity_for
from tests.fixtures.factories import removed_from_session


def credential(client, session):
    return client.post(reverse("sessions:call_credential", args=[session.pk]), HTTP_ACCEPT="application/json")


def decode(fake, token: str) -> dict:
    return jwt.decode(token, fake.api_secret, algorithms=["HS256"], options={"verify_aud": False})


def test_an_admitted_member_gets_a_short_lived_token_for_this_room_only(
    fake_livekit, cast, open_session, in_room, auth_client
):
    in_room(open_session, cast.member, admitted=True)
    before = int(time.time())
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["url"] == fake_livekit.url.replace("http://", "ws://")
    claims = decode(fake_livekit, body["token"])
    assert claims["iss"] == fake_livekit.api_key
    assert claims["sub"] == identity_for(open_session.pk, cast.member.pk) == body["identity"]
    assert re.fullmatch(r"p[0-9a-f]{24}", claims["sub"])  # opaque: neither our user id nor an email
    assert claims["name"] == "Member Mo"
    assert before <= claims["nbf"] <= before + 2
    assert 60 <= claims["exp"] - claims["nbf"] <= 120  # a minute or two: checked at the first connect only
    video = claims["video"]
    assert video["room"] == open_session.video_room
    assert video["roomJoin"] is True
    assert video["roomAdmin"] is False
    assert video["roomRecord"] is False
    assert video["roomCreate"] is False
    assert video["roomList"] is False
    assert video["canPublish"] is True
    assert video["canPublishSources"] == ["camera", "microphone"]
    assert video["canSubscribe"] is True
    assert video["canPublishData"] is False  # chat stays in our own socket
    assert video["canUpdateOwnMetadata"] is False
    assert video["hidden"] is False
    assert "metadata" not in claims and "attributes" not in claims
    assert body["camera_off"] is False and body["is_leader"] is False


def test_a_leader_gets_no_more_power_in_the_call_than_a_member(fake_livekit, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.leader)
    response = credential(auth_client(cast.leader), open_session)
    assert response.status_code == 200
    claims = decode(fake_livekit, response.json()["token"])
    assert claims["name"] == "Leader Lee"
    assert claims["sub"] == identity_for(open_session.pk, cast.leader.pk)
    assert claims["video"]["roomAdmin"] is False and claims["video"]["roomRecord"] is False
    assert claims["video"]["canPublishData"] is False
    assert claims["video"]["canPublishSources"] == ["camera", "microphone"]
    assert response.json()["is_leader"] is True


def test_identities_differ_per_session_and_per_person(fake_livekit, cast, open_session, session_factory):
    other = session_factory(cast.group)
    ids = {
        identity_for(open_session.pk, cast.member.pk),
        identity_for(open_session.pk, cast.leader.pk),
        identity_for(other.pk, cast.member.pk),
    }
    assert len(ids) == 3
    assert other.video_room != open_session.video_room and len(open_session.video_room) >= 32


def test_a_member_with_a_camera_off_notice_is_told_to_start_with_the_camera_off(
    fake_livekit, cast, open_session, in_room, auth_client
):
    CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=open_session, reason="Privacy at home")
    in_room(open_session, cast.member, admitted=True)
    body = credential(auth_client(cast.member), open_session).json()
    assert body["camera_off"] is True
    assert "Privacy" not in str(body)  # the reason is for the leaders only


def test_a_member_still_in_the_waiting_room_gets_no_token(fake_livekit, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member)
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 409
    assert response.json()["code"] == "waiting"
    assert "token" not in response.json()


def test_without_the_waiting_room_a_member_in_the_room_gets_a_token_at_once(
    fake_livekit, cast, open_session, in_room, auth_client
):
    cast.group.waiting_room = False
    cast.group.save(update_fields=["waiting_room"])
    in_room(open_session, cast.member)
    assert credential(auth_client(cast.member), open_session).status_code == 200


def test_someone_who_has_not_come_into_the_room_gets_no_token(fake_livekit, cast, open_session, auth_client):
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 409
    assert response.json()["code"] == "not_in_room"


def test_a_member_removed_from_the_session_never_gets_a_new_token(
    fake_livekit, cast, open_session, in_room, auth_client
):
    in_room(open_session, cast.member, admitted=True)
    assert credential(auth_client(cast.member), open_session).status_code == 200
    removed_from_session(open_session, cast.member)
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 403
    assert "token" not in response.json()


@pytest.mark.parametrize("status", [Membership.Status.SUSPENDED, Membership.Status.REMOVED])
def test_a_member_whose_membership_changed_gets_no_token(
    fake_livekit, cast, open_session, in_room, auth_client, status
):
    in_room(open_session, cast.member, admitted=True)
    Membership.objects.filter(group=cast.group, user=cast.member).update(status=status)
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code in (403, 404)
    assert "token" not in response.content.decode()


def test_the_ladder(fake_livekit, cast, open_session, in_room, client, auth_client):
    url = reverse("sessions:call_credential", args=[open_session.pk])
    assert client.post(url).status_code == 302  # anonymous: sign in first
    for outsider in (cast.outsider, cast.other_leader, cast.trustee):
        assert auth_client(outsider).post(url).status_code == 404
    assert auth_client(cast.pending).post(url).status_code in (403, 404)
    assert auth_client(cast.member).get(url).status_code == 405  # never by a link or a prefetch


def test_the_session_must_be_open(fake_livekit, cast, session_factory, auth_client):
    scheduled = session_factory(cast.group)
    response = credential(auth_client(cast.member), scheduled)
    assert response.status_code == 409
    assert "token" not in response.json()


def test_with_the_plain_link_there_is_no_token_to_mint(cast, open_session, in_room, auth_client, settings):
    settings.VIDEO_PROVIDER = "link"
    in_room(open_session, cast.member, admitted=True)
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 409
    assert response.json()["code"] == "not_embedded"


def test_minting_records_attendance(fake_livekit, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member, admitted=True)
    credential(auth_client(cast.member), open_session)
    assert open_session.attendances.filter(user=cast.member).exists()


def test_no_log_line_holds_the_token_or_the_room(fake_livekit, cast, open_session, in_room, auth_client, caplog):
    import logging

    in_room(open_session, cast.member, admitted=True)
    with caplog.at_level(logging.DEBUG):
        body = credential(auth_client(cast.member), open_session).json()
        credential(auth_client(cast.outsider), open_session)  # a refusal is logged as a 404
    assert caplog.records  # the capture really ran
    assert body["token"] not in caplog.text
    assert open_session.video_room not in caplog.text


def test_a_refusal_holds_nothing_reusable(fake_livekit, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member)
    response = credential(auth_client(cast.member), open_session)
    assert set(response.json()) == {"type", "code", "message"}
    assert open_session.video_room not in response.content.decode()
