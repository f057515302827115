"""Jitsi through 8x8 JaaS (Jitsi as a Service, the hosted Jitsi at 8x8.vc), through PyJWT and cryptography.

The JWT, as 8x8's docs describe it (developer.8x8.com/jaas/docs/api-keys-jwt): RS256, signed with the charity's
private key from the JaaS console, the header's `kid` the console's key id (`<AppID>/<key>`); `aud` "jitsi" and
`iss` "chat" (fixed), `sub` the AppID (`vpaas-magic-cookie-...`), `room` the session's own unguessable room name
(never "*"), `iat`, `nbf` and `exp` as for the self-hosted server (the session's end plus
JITSI_TOKEN_MARGIN_SECONDS), `context.user` the opaque per-session id, the display name and `moderator` ("true"
for leaders only; no email, no avatar), and `context.features` with livestreaming, recording, transcription and
outbound calls "false" for everyone (8x8 reads them for moderators only; they are off for all). The values are the
strings 8x8's examples show.

The call is at https://8x8.vc: the IFrame API is `https://8x8.vc/<AppID>/external_api.js` and the IFrame API's
room name is `<AppID>/<room>`. Like the self-hosted server, JaaS offers nothing this app calls: removal goes
through the leaders' embedded clients (JitsiProvider's `kicks_in_browser`, static/js/call-jitsi.js).
"""

import functools
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sessions.video.base import Caller, Client, identity_for
from sessions.video.jitsi import CLOCK_SKEW_SECONDS, JitsiProvider

# Every feature a JaaS JWT can switch on, off for leaders too (the charity does not record, stream or transcribe).
FEATURES_OFF = {
    "livestreaming": "false",
    "recording": "false",
    "transcription": "false",
    "outbound-call": "false",
    "sip-outbound-call": "false",
}


@functools.lru_cache(maxsize=4)
def private_key(pem: str) -> rsa.RSAPrivateKey:
    """The RSA key from its PEM text, parsed once per text (not on every click). Raises ImproperlyConfigured,
    naming the variable but never showing its value."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured(
            "JITSI_JAAS_PRIVATE_KEY is not an unencrypted RSA private key in PEM form (the file the JaaS console "
            "downloads, its line breaks kept or written \\n)."
        )
    return key


def key_id(app_id: str, kid: str) -> str:
    """The console shows the key id as `<AppID>/<key>`; a volunteer who copies only the part after the slash
    gets the AppID put in front."""
    return kid if kid.startswith(f"{app_id}/") else f"{app_id}/{kid}"


def claims_for(caller: Caller, *, app_id: str, now: int | None = None) -> dict:
    now = int(time.time()) if now is None else now
    ends = int(caller.ends_at.timestamp()) if caller.ends_at else now
    return {
        "aud": "jitsi",
        "iss": "chat",
        "sub": app_id,
        "room": caller.room,
        "iat": now,
        "nbf": now - CLOCK_SKEW_SECONDS,
        # Past the session's end only by the margin; a session that overruns gets the margin from now.
        "exp": max(ends, now) + settings.JITSI_TOKEN_MARGIN_SECONDS,
        "context": {
            "user": {
                "id": identity_for(caller.session_id, caller.user_id),
                "name": caller.name,
                "moderator": "true" if caller.is_leader else "false",
            },
            "features": dict(FEATURES_OFF),
        },
    }


class JaasProvider(JitsiProvider):
    """The same call as the self-hosted one (name "jitsi": the same page script), on 8x8's servers."""

    def __init__(self):  # not JitsiProvider's: the self-hosted settings are unused
        self.app_id = settings.JITSI_JAAS_APP_ID
        self.domain = settings.JITSI_JAAS_DOMAIN
        if not (self.app_id and settings.JITSI_JAAS_KEY_ID and settings.JITSI_JAAS_PRIVATE_KEY):
            raise ImproperlyConfigured(
                "JaaS (JITSI_JAAS_APP_ID set) needs JITSI_JAAS_KEY_ID and JITSI_JAAS_PRIVATE_KEY too."
            )
        self.kid = key_id(self.app_id, settings.JITSI_JAAS_KEY_ID)
        self.key = private_key(settings.JITSI_JAAS_PRIVATE_KEY)

    def mint(self, caller: Caller) -> dict:
        token = jwt.encode(
            claims_for(caller, app_id=self.app_id), self.key, algorithm="RS256", headers={"kid": self.kid}
        )
        # The IFrame API takes the room as <AppID>/<room>; the JWT's `room` claim is the room alone.
        return {"provider": self.name, "domain": self.domain, "room": f"{self.app_id}/{caller.room}", "token": token}

    def client(self) -> Client:
        # The script is under the AppID's path on 8x8.vc; script-src and frame-src open to https://8x8.vc only.
        return Client(
            embedded=True,
            script=f"{self.origin}/{self.app_id}/external_api.js",
            frame=(self.origin,),
            extra_scripts=(self.origin,),
        )
