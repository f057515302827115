"""LiveKit (self-hosted or LiveKit Cloud) through its own server SDK, `livekit-api`.

Tokens: one room (the session's unguessable `video_room`), an opaque identity, the person's display name,
a life of VIDEO_CREDENTIAL_TTL_SECONDS (LiveKit checks it at the first connect only, so reconnects keep
working and a removed person gets nothing new). Nobody gets `roomAdmin`, `roomRecord` or
`canUpdateOwnMetadata`, nobody gets the data channel (chat stays in our socket), and everyone publishes the
camera and microphone only. Every moderation act is ours: RemoveParticipant, MutePublishedTrack, DeleteRoom
over RoomService, with the server's API key pair that never leaves this process. Egress (recording) is never
called: tests/video/test_no_recording.py scans the code for it.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import urlparse

import aiohttp
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from livekit import api
from livekit.api.room_service import RoomService
from livekit.protocol.models import TrackSource

from sessions.video.base import Caller, Client, VideoUnreachable, identity_for

PUBLISH_SOURCES = ["camera", "microphone"]


def grants_for(caller: Caller) -> api.VideoGrants:
    """The same grants for leaders and members: leaders moderate through our server, never through the call."""
    return api.VideoGrants(
        room_join=True,
        room=caller.room,
        room_admin=False,
        room_record=False,
        room_create=False,
        room_list=False,
        can_publish=True,
        can_publish_sources=list(PUBLISH_SOURCES),
        can_subscribe=True,
        can_publish_data=False,
        can_update_own_metadata=False,
        hidden=False,
    )


class LiveKitProvider:
    name = "livekit"
    reaches_call = True
    kicks_in_browser = False
    private_rooms = True

    def __init__(self):
        self.url = settings.LIVEKIT_URL
        self.key = settings.LIVEKIT_API_KEY
        self.secret = settings.LIVEKIT_API_SECRET
        if not (self.url and self.key and self.secret):
            raise ImproperlyConfigured(
                "VIDEO_PROVIDER=livekit needs LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET."
            )

    # --- credentials ------------------------------------------------------------------------------

    def mint(self, caller: Caller) -> dict:
        token = (
            api.AccessToken(self.key, self.secret)
            .with_identity(identity_for(caller.session_id, caller.user_id))
            .with_name(caller.name)
            .with_grants(grants_for(caller))
            .with_ttl(timedelta(seconds=settings.VIDEO_CREDENTIAL_TTL_SECONDS))
            .to_jwt()
        )
        return {"provider": self.name, "url": self._browser_url(), "token": token}

    def _browser_url(self) -> str:
        parsed = urlparse(self.url)
        scheme = {"http": "ws", "https": "wss"}.get(parsed.scheme, parsed.scheme)
        return parsed._replace(scheme=scheme).geturl()

    # --- moderation over RoomService (Twirp) ------------------------------------------------------

    def _call(self, what: Callable[[RoomService], Awaitable]):
        """Run one RoomService request with a short timeout; an unreachable or refusing server is VideoUnreachable.

        The SDK is asynchronous and our callers are not (views, transaction hooks, Celery): each call gets its
        own event loop and HTTP session, closed afterwards. failover=False: LiveKit Cloud's region failover
        would retry a slow server several times over, and a leader is waiting for the answer.
        """

        async def run():
            lk = api.LiveKitAPI(
                url=self.url,
                api_key=self.key,
                api_secret=self.secret,
                timeout=aiohttp.ClientTimeout(total=settings.VIDEO_API_TIMEOUT_SECONDS),
                failover=False,
            )
            try:
                # Our own deadline as well: livekit-api passes timeout=None to each aiohttp request, which
                # aiohttp (3.14) reads as "no time limit", overriding the session's (tests/video: "slow").
                return await asyncio.wait_for(what(lk.room), timeout=settings.VIDEO_API_TIMEOUT_SECONDS)
            finally:
                await lk.aclose()

        try:
            return asyncio.run(run())
        except api.TwirpError as exc:
            if exc.code == api.TwirpErrorCode.NOT_FOUND:
                return None  # not (or no longer) in the call, or the room is already gone: nothing to do
            raise VideoUnreachable(f"LiveKit refused the request ({exc.code}, HTTP {exc.status})") from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise VideoUnreachable(f"LiveKit could not be reached ({type(exc).__name__})") from None

    def remove(self, *, room: str, identity: str) -> None:
        self._call(lambda rooms: rooms.remove_participant(api.RoomParticipantIdentity(room=room, identity=identity)))

    def mute(self, *, room: str, identity: str) -> bool:
        """Mute every microphone track the person publishes; False when they have none (or are not in the call)."""

        async def mute_microphones(rooms: RoomService) -> bool:
            info = await rooms.get_participant(api.RoomParticipantIdentity(room=room, identity=identity))
            muted = False
            for track in info.tracks:
                if track.source == TrackSource.MICROPHONE and not track.muted:
                    await rooms.mute_published_track(
                        api.MuteRoomTrackRequest(room=room, identity=identity, track_sid=track.sid, muted=True)
                    )
                    muted = True
            return muted

        return bool(self._call(mute_microphones))

    def end(self, *, room: str) -> None:
        self._call(lambda rooms: rooms.delete_room(api.DeleteRoomRequest(room=room)))

    def client(self) -> Client:
        parsed = urlparse(self._browser_url())
        http = {"ws": "http", "wss": "https"}.get(parsed.scheme, parsed.scheme)
        origins = (f"{parsed.scheme}://{parsed.netloc}", f"{http}://{parsed.netloc}")
        return Client(embedded=True, script="vendor/livekit-client/livekit-client.umd.js", connect=origins)
