"""Jitsi Meet, self-hosted with JWT authentication (Prosody's `authentication = "token"`), through PyJWT.

The JWT (HS256 with the server's app secret): `aud`/`iss` the app id, `sub` the domain, `room` the session's own
unguessable room name (never "*"), `nbf` now (less a little clock skew), `exp` the session's end plus
JITSI_TOKEN_MARGIN_SECONDS, `context.user` with the opaque per-session identity and the display name (no email),
`moderator` true for leaders only, and `context.features` with recording, livestreaming, transcription and
outbound calls off. Jitsi checks `exp` again on every reconnect, so unlike LiveKit's the token cannot be a minute
long: a holder could reuse it until then (docs/video.md says what that means and what the server must enforce).

Jitsi has no server API this app can call: removal, mute and end do not reach the call from here, so
`reaches_call` is False. Removal goes through the leaders' own embedded clients instead (`kicks_in_browser`):
the server tells the leaders' pages to kick (the room's `call_kick` message, sessions/call.py) and the leader's
client runs the IFrame API's `kickParticipant` (static/js/call-jitsi.js); and no new token is ever minted for
someone removed (sessions/call.py `credential_for`). 8x8 JaaS (RS256 with a key id) is sessions/video/jaas.py.
"""

import time

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sessions.video.base import Caller, Client, identity_for

# How far back `nbf` goes: the app's and the Jitsi server's clocks are never quite the same.
CLOCK_SKEW_SECONDS = 10
# Every feature a JWT can switch on; all off, for leaders too (the charity does not record, stream or transcribe).
FEATURES_OFF = {"recording": False, "livestreaming": False, "transcription": False, "outbound-call": False}


def claims_for(caller: Caller, *, app_id: str, domain: str, now: int | None = None) -> dict:
    now = int(time.time()) if now is None else now
    ends = int(caller.ends_at.timestamp()) if caller.ends_at else now
    return {
        "aud": app_id,
        "iss": app_id,
        "sub": domain,
        "room": caller.room,
        "nbf": now - CLOCK_SKEW_SECONDS,
        # Past the session's end only by the margin; a session that overruns gets the margin from now.
        "exp": max(ends, now) + settings.JITSI_TOKEN_MARGIN_SECONDS,
        # Read by the token_moderation plugin; token_affiliation reads context.user.moderator.
        "moderator": caller.is_leader,
        "context": {
            "user": {
                "id": identity_for(caller.session_id, caller.user_id),
                "name": caller.name,
                "moderator": caller.is_leader,
            },
            "features": dict(FEATURES_OFF),
        },
    }


class JitsiProvider:
    name = "jitsi"
    reaches_call = False  # nothing of ours reaches the Jitsi server...
    kicks_in_browser = True  # ...but a leader's embedded client can remove someone (call_kick)
    private_rooms = False  # a second room could not be closed on the server

    def __init__(self):
        self.domain = settings.JITSI_DOMAIN
        self.app_id = settings.JITSI_APP_ID
        self.secret = settings.JITSI_APP_SECRET
        if not (self.domain and self.app_id and self.secret):
            raise ImproperlyConfigured("VIDEO_PROVIDER=jitsi needs JITSI_DOMAIN, JITSI_APP_ID and JITSI_APP_SECRET.")

    @property
    def origin(self) -> str:
        return f"https://{self.domain}"

    def mint(self, caller: Caller) -> dict:
        token = jwt.encode(claims_for(caller, app_id=self.app_id, domain=self.domain), self.secret, algorithm="HS256")
        return {"provider": self.name, "domain": self.domain, "room": caller.room, "token": token}

    # No server API: these do nothing here, and sessions/call.py says so to the leader or kicks in the browser.
    def remove(self, *, room: str, identity: str) -> None:
        return None

    def mute(self, *, room: str, identity: str) -> bool:
        return False

    def end(self, *, room: str) -> None:
        return None

    def client(self) -> Client:
        # The IFrame API script comes from the Jitsi server itself, and the call runs in its frame: script-src and
        # frame-src open to that one https origin (and camera and microphone are delegated to it). The parent page
        # talks to the frame by postMessage only, so connect-src stays the site's own.
        return Client(
            embedded=True,
            script=f"{self.origin}/external_api.js",
            frame=(self.origin,),
            extra_scripts=(self.origin,),
        )
