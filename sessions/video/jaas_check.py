"""What `manage.py video_check` can prove about an 8x8 JaaS setup from here (VIDEO_PROVIDER=jitsi with
JITSI_JAAS_APP_ID), and what it cannot.

1. The JWTs we mint, decoded with the public key derived from our private key, as 8x8 would with the public key
   the console keeps: RS256 with the console's key id, `aud` "jitsi", `iss` "chat", the AppID as `sub`, one room,
   `moderator` "true" for the leader only, every feature "false", no email, the session's end plus the margin.
2. The IFrame API (`https://8x8.vc/<AppID>/external_api.js`) answers over HTTPS and is Jitsi's script.
It cannot see the JaaS console: whether the public key there is ours, and whether recording, streaming and
transcription are off for the whole app. The command lists those to check by hand (docs/video.md).
"""

import secrets
from collections.abc import Callable
from datetime import timedelta

import jwt
from django.conf import settings
from django.utils import timezone

from sessions.video.base import Caller
from sessions.video.iframe_api import fetch_iframe_api
from sessions.video.jaas import FEATURES_OFF, JaasProvider

BY_HAND = (
    "In the JaaS console (API keys), the key with our key id is the one whose private half is in .env; old keys "
    "are deleted.",
    "In the JaaS console's settings, recording, live streaming and transcription are switched off for the app.",
    "Join a test session from two browsers: the member is not a moderator, the leader is.",
)


def check(step: Callable[[bool, str], None], note: Callable[[str], None]) -> None:
    video = JaasProvider()
    room = f"video-check-{secrets.token_urlsafe(12)}"
    ends_at = timezone.now() + timedelta(minutes=90)
    tokens = {}
    for is_leader in (False, True):
        caller = Caller(
            session_id=0, room=room, user_id=int(is_leader), name="Video check", is_leader=is_leader, ends_at=ends_at
        )
        tokens[is_leader] = video.mint(caller)["token"]
    header = jwt.get_unverified_header(tokens[False])
    step(
        header.get("alg") == "RS256" and header.get("kid") == video.kid and video.kid.startswith(f"{video.app_id}/"),
        f"A JWT is signed with RS256 under the key id {video.kid}.",
    )
    try:
        member, leader = (
            jwt.decode(tokens[is_leader], video.key.public_key(), algorithms=["RS256"], audience="jitsi", issuer="chat")
            for is_leader in (False, True)
        )
    except jwt.InvalidTokenError as exc:
        step(False, f"Our JWTs do not verify with the private key's public half ({type(exc).__name__}).")
        return
    step(member["room"] == room and member["sub"] == video.app_id, "A JWT is for one room of this JaaS app.")
    step(member["context"]["user"]["moderator"] == "false", "A member's JWT is not a moderator's.")
    step(leader["context"]["user"]["moderator"] == "true", "A leader's JWT is a moderator's.")
    step(
        member["context"]["features"] == FEATURES_OFF == leader["context"]["features"],
        "Recording, livestreaming, transcription and outbound calls are off in every JWT.",
    )
    step("email" not in member["context"]["user"], "No email in a JWT; the id is opaque.")
    margin = member["exp"] - int(ends_at.timestamp())
    step(margin == settings.JITSI_TOKEN_MARGIN_SECONDS, f"A JWT expires {margin // 60} min after the session's end.")

    fetch_iframe_api(video.client().script, step)

    note("Not checked from here (the app cannot see the JaaS console); please confirm by hand:")
    for line in BY_HAND:
        note(f"  - {line}")
