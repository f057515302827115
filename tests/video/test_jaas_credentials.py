"""8x8 JaaS's JWT per person: RS256 with the charity's private key and the console's key id, decoded here with pyjwt
and the public half of a key pair made in the test, claim by claim, as 8x8's servers would."""

import re
import time

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from safeguarding.removals import remove_member
from sessions.video import identity_for, provider
from tests.video.conftest import JAAS_APP_ID, JAAS_KEY_ID

FEATURES_OFF = {
    "livestreaming": "false",
    "recording": "false",
    "transcription": "false",
    "outbound-call": "false",
    "sip-outbound-call": "false",
}


def credential(client, session):
    return client.post(reverse("sessions:call_credential", args=[session.pk]), HTTP_ACCEPT="application/json")


def decode(jaas_key, token: str) -> dict:
    return jwt.decode(
        token,
        jaas_key.public_key(),
        algorithms=["RS256"],
        audience="jitsi",
        issuer="chat",
        options={"require": ["aud", "iss", "sub", "room", "iat", "nbf", "exp"]},
    )


def test_a_member_gets_an_rs256_jwt_for_this_room_only_with_nothing_switched_on(
    jaas, jaas_key, cast, open_session, in_room, auth_client
):
    in_room(open_session, cast.member, admitted=True)
    before = int(time.time())
    response = credential(auth_client(cast.member), open_session)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["provider"] == "jitsi"
    assert body["domain"] == "8x8.vc"
    # The IFrame API is given the room as <AppID>/<room>; the JWT names the room alone.
    assert body["room"] == f"{JAAS_APP_ID}/{open_session.video_room}"
    assert jwt.get_unverified_header(body["token"]) == {"alg": "RS256", "kid": JAAS_KEY_ID, "typ": "JWT"}
    claims = decode(jaas_key, body["token"])
    assert claims["sub"] == JAAS_APP_ID
    assert claims["room"] == open_session.video_room  # one room, never "*"
    assert before - 30 <= claims["nbf"] <= before + 1
    assert before - 1 <= claims["iat"] <= int(time.time()) + 1
    assert claims["exp"] == int(open_session.ends_at.timestamp()) + jaas.JITSI_TOKEN_MARGIN_SECONDS
    user = claims["context"]["user"]
    assert user == {"id": identity_for(open_session.pk, cast.member.pk), "name": "Member Mo", "moderator": "false"}
    assert re.fullmatch(r"p[0-9a-f]{24}", user["id"])
    assert cast.member.email not in body["token"] and "email" not in str(claims)
    assert claims["context"]["features"] == FEATURES_OFF
    assert set(claims) == {"aud", "iss", "sub", "room", "iat", "nbf", "exp", "context"}


def test_a_leader_is_the_moderator_with_every_feature_still_off(
    jaas, jaas_key, cast, open_session, in_room, auth_client
):
    in_room(open_session, cast.leader)
    body = credential(auth_client(cast.leader), open_session).json()
    claims = decode(jaas_key, body["token"])
    assert claims["context"]["user"]["moderator"] == "true"
    assert claims["context"]["user"]["name"] == "Leader Lee"
    assert claims["context"]["features"] == FEATURES_OFF
    assert claims["room"] == open_session.video_room
    assert body["is_leader"] is True


def test_a_jwt_signed_with_another_key_would_not_verify(jaas, jaas_key, cast, open_session, in_room, auth_client):
    from cryptography.hazmat.primitives.asymmetric import rsa

    in_room(open_session, cast.member, admitted=True)
    token = credential(auth_client(cast.member), open_session).json()["token"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(jwt.InvalidSignatureError):
        decode(other, token)


def test_a_short_key_id_from_the_console_gets_the_app_id_in_front(
    jaas, jaas_key, cast, open_session, in_room, auth_client
):
    jaas.JITSI_JAAS_KEY_ID = "a1b2c3"
    in_room(open_session, cast.member, admitted=True)
    token = credential(auth_client(cast.member), open_session).json()["token"]
    assert jwt.get_unverified_header(token)["kid"] == JAAS_KEY_ID


def test_the_waiting_room_and_a_removal_still_refuse_a_jwt(jaas, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member)
    member = auth_client(cast.member)
    waiting = credential(member, open_session)
    assert waiting.status_code == 409 and "token" not in waiting.json()
    open_session.participants.filter(user=cast.member).update(admitted_at=timezone.now())
    assert credential(member, open_session).status_code == 200
    remove_member(
        Membership.objects.get(group=cast.group, user=cast.member),
        actor=cast.leader,
        kind="permanent",
        reasons=["risk_to_members"],
    )
    removed = credential(member, open_session)
    assert removed.status_code == 403 and "token" not in removed.json()
    for outsider in (cast.outsider, cast.other_leader, cast.trustee):
        assert credential(auth_client(outsider), open_session).status_code == 404


def test_an_unreadable_private_key_is_refused_when_the_provider_is_built(jaas):
    jaas.JITSI_JAAS_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
    with pytest.raises(ImproperlyConfigured, match="JITSI_JAAS_PRIVATE_KEY"):
        provider()


def test_no_log_line_holds_the_jwt(jaas, cast, open_session, in_room, auth_client, caplog):
    import logging

    in_room(open_session, cast.member, admitted=True)
    with caplog.at_level(logging.DEBUG):
        token = credential(auth_client(cast.member), open_session).json()["token"]
    assert token not in caplog.text and open_session.video_room not in caplog.text
