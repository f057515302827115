"""Jitsi's JWT per person: minted at click time after every join check, decoded here with pyjwt field by field."""

import re
import time
from datetime import timedelta

import jwt
import pytest
from django.urls import reverse

from groups.models import Membership
from safeguarding.removals import remove_member
from sessions.models import CameraOffNotice, GroupSession
from sessions.video import identity_for
from tests.video.conftest import JITSI_DOMAIN


def credential(client, session):
    return client.post(reverse("sessions:call_credential", args=[session.pk]), HTTP_ACCEPT="application/json")


def decode(settings, token: str) -> dict:
    """As Prosody's token_verification does: HS256 with the shared secret, the app id as audience and issuer."""
    return jwt.decode(
        token,
        settings.JITSI_APP_SECRET,
        algorithms=["HS256"],
        audience=settings.JITSI_APP_ID,
        issuer=settings.JITSI_APP_ID,
        options={"require": ["aud", "iss", "sub", "room", "nbf", "exp"]},
    )


FEATURES_OFF = {"recording": False, "livestreaming": False, "transcription": False, "outbound-call": False}


def test_an_admitted_member_gets_a_jwt_for_this_room_only_and_no_moderator_rights(
    jitsi, cast, open_session, in_room, auth_client
):
    in_room(open_session, cast.member, admitted=True)
    before = int(time.time())
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["provider"] == "jitsi"
    assert body["domain"] == JITSI_DOMAIN
    assert body["room"] == open_session.video_room
    assert jwt.get_unverified_header(body["token"])["alg"] == "HS256"
    claims = decode(jitsi, body["token"])
    assert claims["aud"] == claims["iss"] == "peersupport-test"
    assert claims["sub"] == JITSI_DOMAIN
    assert claims["room"] == open_session.video_room  # one room, never "*"
    assert before - 30 <= claims["nbf"] <= before + 1  # a little clock skew allowed, no more
    # Jitsi checks exp on every reconnect: it lives until the session's end plus the margin, no longer.
    assert claims["exp"] == int(open_session.ends_at.timestamp()) + jitsi.JITSI_TOKEN_MARGIN_SECONDS
    user = claims["context"]["user"]
    assert user == {"id": identity_for(open_session.pk, cast.member.pk), "name": "Member Mo", "moderator": False}
    assert re.fullmatch(r"p[0-9a-f]{24}", user["id"])  # opaque: neither our user id nor an email
    assert "email" not in user and cast.member.email not in body["token"]
    assert claims["context"]["features"] == FEATURES_OFF
    assert claims["moderator"] is False  # the token_moderation plugin reads the top-level claim
    assert body["is_leader"] is False and body["camera_off"] is False
    assert body["identity"] == user["id"]


def test_a_leader_is_the_moderator_and_still_cannot_record(jitsi, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.leader)
    body = credential(auth_client(cast.leader), open_session).json()
    claims = decode(jitsi, body["token"])
    assert claims["context"]["user"]["moderator"] is True
    assert claims["moderator"] is True
    assert claims["context"]["user"]["name"] == "Leader Lee"
    assert claims["context"]["features"] == FEATURES_OFF
    assert claims["room"] == open_session.video_room
    assert body["is_leader"] is True


def test_a_session_running_over_its_time_still_gives_a_token_that_outlives_the_click(
    jitsi, cast, session_factory, in_room, auth_client
):
    late = session_factory(cast.group, starts_in=timedelta(minutes=-100), length=timedelta(minutes=90))
    late.status = GroupSession.Status.OPEN
    late.save(update_fields=["status"])
    in_room(late, cast.member, admitted=True)
    now = int(time.time())
    claims = decode(jitsi, credential(auth_client(cast.member), late).json()["token"])
    assert now + jitsi.JITSI_TOKEN_MARGIN_SECONDS - 2 <= claims["exp"] <= now + jitsi.JITSI_TOKEN_MARGIN_SECONDS + 2


def test_the_camera_off_notice_travels_without_its_reason(jitsi, cast, open_session, in_room, auth_client):
    CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=open_session, reason="Privacy at home")
    in_room(open_session, cast.member, admitted=True)
    body = credential(auth_client(cast.member), open_session).json()
    assert body["camera_off"] is True
    assert "Privacy" not in str(body) and "Privacy" not in str(decode(jitsi, body["token"]))


def test_a_member_in_the_waiting_room_gets_no_jwt(jitsi, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member)
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 409
    assert set(response.json()) == {"type", "code", "message"} and response.json()["code"] == "waiting"


def test_a_removed_member_never_gets_a_new_jwt(jitsi, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member, admitted=True)
    member = auth_client(cast.member)
    assert credential(member, open_session).status_code == 200
    remove_member(
        Membership.objects.get(group=cast.group, user=cast.member),
        actor=cast.leader,
        kind="permanent",
        reasons=["risk_to_members"],
    )
    response = credential(member, open_session)
    assert response.status_code == 403
    assert "token" not in response.json() and open_session.video_room not in response.content.decode()


@pytest.mark.parametrize("status", [GroupSession.Status.ENDED, GroupSession.Status.SCHEDULED])
def test_no_jwt_outside_an_open_session(jitsi, cast, open_session, in_room, auth_client, status):
    in_room(open_session, cast.member, admitted=True)
    GroupSession.objects.filter(pk=open_session.pk).update(status=status)
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code in (403, 409)
    assert "token" not in response.content.decode()


def test_outsiders_get_nothing(jitsi, cast, open_session, auth_client):
    for outsider in (cast.outsider, cast.other_leader, cast.trustee):
        response = credential(auth_client(outsider), open_session)
        assert response.status_code == 404
        assert "token" not in response.content.decode()


def test_no_log_line_holds_the_jwt(jitsi, cast, open_session, in_room, auth_client, caplog):
    import logging

    in_room(open_session, cast.member, admitted=True)
    with caplog.at_level(logging.DEBUG):
        token = credential(auth_client(cast.member), open_session).json()["token"]
        credential(auth_client(cast.outsider), open_session)
    assert caplog.records
    assert token not in caplog.text and open_session.video_room not in caplog.text
