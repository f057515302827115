"""The video call, one small module per engine behind one interface (docs/video.md, docs/architecture.md).

The rest of the app never speaks an engine's protocol: it asks `provider()` to mint a credential for someone
who has passed every join check, to remove someone, to mute someone's microphone, to end the call, and to
describe its browser client (for the page and its Content-Security-Policy). `VIDEO_PROVIDER` picks one:

- `link`: today's behaviour for charities on Zoom or Teams. Nothing is embedded and nothing reaches the call.
- `livekit`: the call embedded in the room; a short-lived token per member; moderation through RoomService.
- `jitsi`: the call embedded through Jitsi's IFrame API; a JWT per member; removal through the leaders' clients.
  Self-hosted (`jitsi.py`, HS256), or 8x8 JaaS when `JITSI_JAAS_APP_ID` is set (`jaas.py`, RS256).
A new engine is one more module with these five methods, importing the interface from `sessions.video.base`
(never this package, which imports the engines).
"""

from __future__ import annotations

from django.conf import settings

from sessions.video.base import Caller, Client, NotEmbedded, VideoProvider, VideoUnreachable, identity_for

__all__ = [
    "Caller",
    "Client",
    "NotEmbedded",
    "VideoProvider",
    "VideoUnreachable",
    "identity_for",
    "is_embedded",
    "provider",
]


def _provider(name: str) -> VideoProvider:
    if name == "livekit":
        from sessions.video.livekit import LiveKitProvider

        return LiveKitProvider()
    if name == "jitsi" and settings.JITSI_JAAS_APP_ID:
        from sessions.video.jaas import JaasProvider

        return JaasProvider()
    if name == "jitsi":
        from sessions.video.jitsi import JitsiProvider

        return JitsiProvider()
    from sessions.video.link import LinkProvider

    return LinkProvider()


def provider() -> VideoProvider:
    """The deployment's video provider (settings.VIDEO_PROVIDER). Cheap to build: settings are read each time."""
    return _provider(settings.VIDEO_PROVIDER)


def is_embedded() -> bool:
    return provider().client().embedded
