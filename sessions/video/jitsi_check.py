"""What `manage.py video_check` can prove about a Jitsi deployment from here, and what it cannot.

Jitsi has no server API for us, so the check is smaller than LiveKit's (8x8 JaaS: sessions/video/jaas_check.py):
1. the JWTs we mint, decoded with the app secret as Prosody's token_verification would: one room, the domain as
   `sub`, the app id as `aud`/`iss`, `moderator` for the leader only, every feature off, no email, an expiry of
   the session's end plus the margin;
2. the IFrame API (`https://<JITSI_DOMAIN>/external_api.js`) is reachable over HTTPS with a valid certificate
   and is Jitsi's script, so the room and dashboard can load the call.
It cannot see Prosody's configuration: whether tokens are required, which plugin decides moderators, whether
recording is disabled. The command says so and lists what to check by hand (docs/video.md).
"""

import secrets
from collections.abc import Callable
from datetime import timedelta

import jwt
from django.conf import settings
from django.utils import timezone

from sessions.video.base import Caller
from sessions.video.iframe_api import fetch_iframe_api
from sessions.video.jitsi import FEATURES_OFF, JitsiProvider

BY_HAND = (
    'Prosody requires a token (authentication = "token"), and token_verification enforces the JWT\'s room.',
    "A moderation plugin (token_moderation or token_affiliation) makes only `moderator: true` tokens moderators.",
    "config.js: localRecording.disable, recordingService/fileRecordings/liveStreaming/transcription off; no Jibri.",
    "The end_conference component is enabled (ending a session ends the call).",
)


def check(step: Callable[[bool, str], None], note: Callable[[str], None]) -> None:
    if settings.JITSI_JAAS_APP_ID:
        from sessions.video import jaas_check

        return jaas_check.check(step, note)
    video = JitsiProvider()
    room = f"video-check-{secrets.token_urlsafe(12)}"
    ends_at = timezone.now() + timedelta(minutes=90)
    tokens = {}
    for is_leader in (False, True):
        caller = Caller(
            session_id=0, room=room, user_id=int(is_leader), name="Video check", is_leader=is_leader, ends_at=ends_at
        )
        tokens[is_leader] = video.mint(caller)["token"]
    try:
        member, leader = (
            jwt.decode(
                tokens[is_leader],
                settings.JITSI_APP_SECRET,
                algorithms=["HS256"],
                audience=settings.JITSI_APP_ID,
                issuer=settings.JITSI_APP_ID,
            )
            for is_leader in (False, True)
        )
    except jwt.InvalidTokenError as exc:
        step(False, f"Our JWTs do not verify with the app id and secret ({type(exc).__name__}).")
        return
    step(member["room"] == room and member["sub"] == settings.JITSI_DOMAIN, "A JWT is for one room on this domain.")
    step(
        member["context"]["user"]["moderator"] is False and member["moderator"] is False,
        "A member's JWT is not a moderator's.",
    )
    step(leader["context"]["user"]["moderator"] is True, "A leader's JWT is a moderator's.")
    step(
        member["context"]["features"] == FEATURES_OFF == leader["context"]["features"],
        "Recording, livestreaming, transcription and outbound calls are off in every JWT.",
    )
    step("email" not in member["context"]["user"], "No email in a JWT; the id is opaque.")
    margin = member["exp"] - int(ends_at.timestamp())
    step(margin == settings.JITSI_TOKEN_MARGIN_SECONDS, f"A JWT expires {margin // 60} min after the session's end.")

    fetch_iframe_api(f"https://{settings.JITSI_DOMAIN}/external_api.js", step)

    note("Not checked from here (the app cannot see the Jitsi server's configuration); please confirm by hand:")
    for line in BY_HAND:
        note(f"  - {line}")
