"""The video call's interface: what every engine's module (link.py, livekit.py, jitsi.py) implements and what
the rest of the app uses (re-exported by sessions/video/__init__.py). In a module of its own so that the
engines' modules import it rather than the package that picks among them (no circle:
tests/foundation/test_no_import_cycles.py).
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
    # True when the engine can hold a second, two-person room and take people out of it on the server (a word in
    # private, sessions/room/private_word.py).
    private_rooms: bool

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
