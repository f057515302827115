"""The video call, one small module per engine behind one interface (docs/video.md, docs/architecture.md).

The rest of the app never speaks an engine's protocol: it asks `provider()` to mint a credential for someone
who has passed every join check, to remove someone, to mute someone's microphone, to end the call, and to
describe its browser client (for the page and its Content-Security-Policy). `VIDEO_PROVIDER` picks one:

- `link`: today's behaviour for charities on Zoom or Teams. Nothing is embedded and nothing reaches the call.
- `livekit`: the call embedded in the room; a short-lived token per member; moderation through RoomService.
- `jitsi`: the call embedded through Jitsi's IFrame API; a JWT per member; removal through the leaders' clients.
A new engine is one more module with these five methods.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.conf import settings


class VideoUnreachable(Exception):
    """The engine's server could not be reached (down, slow, refused our credentials). Our own rules still hold."""


class NotEmbedded(Exception):
    """This provider has no credential to mint: members go through the join page's single-use ticket instead."""


@dataclass(frozen=True)
class Caller:
    """Someone who has passed every join check and is to get a credential for this session's call."""

    session_id: int
    room: str  # GroupSession.video_room
    user_id: int
    name: str
    is_leader: bool
    camera_off: bool = False
    ends_at: datetime | None = None  # the session's scheduled end (Jitsi's token lives until then plus a margin)


@dataclass(frozen=True)
class Client:
    """What a page needs to load the provider's browser client, and what its CSP must allow for it."""

    embedded: bool
    script: str = ""  # a static path (ours) or the engine's own script URL
    connect: tuple[str, ...] = ()  # origins for connect-src (signalling websocket, API)
    frame: tuple[str, ...] = ()  # origins for frame-src (an engine that embeds through an iframe)
    extra_scripts: tuple[str, ...] = field(default=())  # origins for script-src


class VideoProvider(Protocol):
    name: str
    # True when removal, mute and end reach the call itself (false for a plain link).
    reaches_call: bool
    # True when the engine has no server API for us but a leader's embedded client can remove someone (Jitsi).
    kicks_in_browser: bool

    def mint(self, caller: Caller) -> dict: ...

    def remove(self, *, room: str, identity: str) -> None: ...

    def mute(self, *, room: str, identity: str) -> bool: ...

    def end(self, *, room: str) -> None: ...

    def client(self) -> Client: ...


def identity_for(session_id: int, user_id: int) -> str:
    """The engine's name for one person in one session: opaque (never an email or our user id), stable within
    the session so that removal and mute can name them, different in every session, and unguessable without
    the server's secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"video-identity:{session_id}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"p{digest[:24]}"


def _provider(name: str) -> VideoProvider:
    if name == "livekit":
        from sessions.video.livekit import LiveKitProvider

        return LiveKitProvider()
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
