"""Check the configured LiveKit deployment step by step, with the app's own code and credentials.

    python manage.py video_check

(With VIDEO_PROVIDER=jitsi it runs sessions/video/jitsi_check.py instead: the JWTs' claims and the IFrame API's
reachability, and a list of the server settings it cannot see.)

1. RoomService answers with our API key pair.
2. A member's token carries exactly the grants we intend: one room, no roomAdmin, no roomRecord, no data channel,
   camera and microphone only, a life of a minute or two.
3. That member token cannot moderate: RoomService refuses it (no remove, no mute, no room list).
4. With the `livekit` real-time package installed (optional, not a dependency of the app): the member token joins
   a throwaway room, our removal takes them out, and the server no longer lists them.
Every step says what it proved; a step that could not run says so. Exit status 1 if any step failed.
"""

import asyncio
import contextlib
import secrets
import time

import jwt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from livekit import api

from sessions.video import Caller, VideoUnreachable, identity_for, provider


class Command(BaseCommand):
    help = "Prove, against the configured LiveKit or Jitsi server, what a member's credential can and cannot do."

    def handle(self, *args, **options):
        if settings.VIDEO_PROVIDER == "jitsi":
            return self._jitsi()
        if settings.VIDEO_PROVIDER != "livekit":
            raise CommandError(f"VIDEO_PROVIDER is {settings.VIDEO_PROVIDER!r}: this check is for livekit or jitsi.")
        video = provider()
        room = f"video-check-{secrets.token_urlsafe(12)}"
        failed = 0

        def step(ok: bool, text: str) -> None:
            nonlocal failed
            failed += 0 if ok else 1
            self.stdout.write(("  ok    " if ok else "  FAIL  ") + text)

        # 1. The server answers our key pair.
        try:
            video._call(lambda rooms: rooms.list_rooms(api.ListRoomsRequest()))
            step(True, "RoomService answers with the app's API key pair.")
        except VideoUnreachable as exc:
            step(False, f"RoomService did not answer: {exc}")
            raise CommandError("The LiveKit server could not be reached; nothing else can be checked.") from None

        # 2. A member's token holds what we intend, and nothing more.
        member = Caller(session_id=0, room=room, user_id=0, name="Video check", is_leader=False)
        token = video.mint(member)["token"]
        claims = jwt.decode(token, settings.LIVEKIT_API_SECRET, algorithms=["HS256"])
        grants = claims["video"]
        step(grants.get("room") == room and grants.get("roomJoin") is True, "The token is for one room only.")
        step(not grants.get("roomAdmin") and not grants.get("roomRecord"), "No roomAdmin, no roomRecord.")
        step(grants.get("canPublishData") is False, "No data channel (chat stays in our own socket).")
        step(grants.get("canPublishSources") == ["camera", "microphone"], "Publishes camera and microphone only.")
        step(claims["exp"] - claims["nbf"] <= 180, f"Lives {claims['exp'] - claims['nbf']} s (checked at connect).")

        # 3. With it, nobody can moderate.
        for method, request in (
            ("RemoveParticipant", api.RoomParticipantIdentity(room=room, identity=identity_for(0, 1))),
            ("MutePublishedTrack", api.MuteRoomTrackRequest(room=room, identity=identity_for(0, 1), track_sid="x")),
            ("ListRooms", api.ListRoomsRequest()),
        ):
            refused = asyncio.run(self._as_member(token, method, request))
            step(refused, f"A member's token is refused by RoomService {method}.")

        # 4. Join, remove, gone: needs a real-time client.
        try:
            from livekit import rtc  # noqa: F401 - optional
        except ImportError:
            self.stdout.write(
                "  skip  Joining and removal with a real client: `pip install livekit` (the real-time SDK) to run it."
            )
        else:
            failed += self._join_and_remove(video, room)
        if failed:
            raise CommandError(f"{failed} step(s) failed.")
        self.stdout.write(self.style.SUCCESS("The LiveKit deployment behaves as the app expects."))

    def _jitsi(self) -> None:
        from sessions.video import jitsi_check

        failed = 0

        def step(ok: bool, text: str) -> None:
            nonlocal failed
            failed += 0 if ok else 1
            self.stdout.write(("  ok    " if ok else "  FAIL  ") + text)

        jitsi_check.check(step, self.stdout.write)
        if failed:
            raise CommandError(f"{failed} step(s) failed.")
        self.stdout.write(self.style.SUCCESS("The Jitsi tokens and IFrame API are as the app expects."))

    async def _as_member(self, token: str, method: str, request) -> bool:
        """True when RoomService refuses the member's own token for this moderation request."""
        async with api.LiveKitAPI.with_token(token, url=settings.LIVEKIT_URL, failover=False) as lk:
            call = {
                "RemoveParticipant": lk.room.remove_participant,
                "MutePublishedTrack": lk.room.mute_published_track,
                "ListRooms": lk.room.list_rooms,
            }[method]
            try:
                await asyncio.wait_for(call(request), timeout=settings.VIDEO_API_TIMEOUT_SECONDS)
            except api.TwirpError as exc:
                return exc.code in {"unauthenticated", "permission_denied"}
            return False

    def _join_and_remove(self, video, room: str) -> int:
        from livekit import rtc

        member = Caller(session_id=0, room=room, user_id=0, name="Video check member", is_leader=False)
        credential = video.mint(member)
        identity = identity_for(0, 0)

        async def join_then_wait_for_removal() -> tuple[bool, bool]:
            client = rtc.Room()
            removed = asyncio.Event()
            client.on("disconnected", lambda *args: removed.set())
            await client.connect(credential["url"], credential["token"])
            listed = await self._listed(video, room, identity)
            await asyncio.to_thread(video.remove, room=room, identity=identity)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(removed.wait(), timeout=10)
            return listed, removed.is_set()

        listed, removed = asyncio.run(join_then_wait_for_removal())
        time.sleep(0.5)
        gone = not asyncio.run(self._listed(video, room, identity))
        video.end(room=room)
        results = [(listed, "A member's token joins the call."), (removed and gone, "Our removal takes them out.")]
        for ok, text in results:
            self.stdout.write(("  ok    " if ok else "  FAIL  ") + text)
        return sum(1 for ok, _ in results if not ok)

    async def _listed(self, video, room: str, identity: str) -> bool:
        response = await asyncio.to_thread(
            video._call, lambda rooms: rooms.list_participants(api.ListParticipantsRequest(room=room))
        )
        return any(p.identity == identity for p in (response.participants if response else []))
