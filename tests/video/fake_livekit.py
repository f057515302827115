"""A fake LiveKit server on loopback that speaks RoomService's documented Twirp protocol.

POST /twirp/livekit.RoomService/<Method> with a protobuf body (what `livekit-api` sends) or a JSON body (what
curl or another client sends), authorised by `Authorization: Bearer <JWT>` signed with the API secret, whose
`video` grant must allow the method for that room (roomAdmin + room for participant methods, roomCreate for
DeleteRoom, roomList for ListRooms), as the real server checks. Errors are Twirp's JSON errors.

It holds rooms of participants (put there by tests, as if their browsers had connected) and records every
call it accepted. `delay` makes it slow; `stop()` / `start()` take it down and bring it back on the same port.
It stands in for the outside world only: our own code runs unchanged against it.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from google.protobuf import json_format
from livekit.protocol import models
from livekit.protocol import room as room_proto

PREFIX = "/twirp/livekit.RoomService/"

# Method -> (request class, response class, the grant it needs, whether that grant is for the named room)
METHODS = {
    "RemoveParticipant": (room_proto.RoomParticipantIdentity, room_proto.RemoveParticipantResponse, "roomAdmin", True),
    "GetParticipant": (room_proto.RoomParticipantIdentity, models.ParticipantInfo, "roomAdmin", True),
    "ListParticipants": (room_proto.ListParticipantsRequest, room_proto.ListParticipantsResponse, "roomAdmin", True),
    "MutePublishedTrack": (room_proto.MuteRoomTrackRequest, room_proto.MuteRoomTrackResponse, "roomAdmin", True),
    "DeleteRoom": (room_proto.DeleteRoomRequest, room_proto.DeleteRoomResponse, "roomCreate", False),
    "ListRooms": (room_proto.ListRoomsRequest, room_proto.ListRoomsResponse, "roomList", False),
}


@dataclass
class Call:
    method: str
    request: dict
    at: float


@dataclass
class FakeLiveKit:
    api_key: str = "fake-key"
    api_secret: str = "fake-secret-that-is-long-enough-for-hs256"
    delay: float = 0.0
    rooms: dict = field(default_factory=dict)  # room -> identity -> ParticipantInfo
    calls: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (method, twirp code) of requests refused
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    # --- running -----------------------------------------------------------------------------------

    def start(self) -> "FakeLiveKit":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fake._handle(self)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gave up on a slow answer (the "slow" tests) is expected

        self._server = Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- what tests arrange and read -----------------------------------------------------------------

    def join(self, room: str, identity: str, *, microphone: bool = True, camera: bool = False) -> None:
        """As if a browser with this identity had connected and published its tracks."""
        info = models.ParticipantInfo(sid=f"PA_{identity}", identity=identity, state=models.ParticipantInfo.ACTIVE)
        if microphone:
            info.tracks.add(sid=f"TR_mic_{identity}", type=models.AUDIO, source=models.TrackSource.MICROPHONE)
        if camera:
            info.tracks.add(sid=f"TR_cam_{identity}", type=models.VIDEO, source=models.TrackSource.CAMERA)
        self.rooms.setdefault(room, {})[identity] = info

    def in_room(self, room: str) -> set[str]:
        return set(self.rooms.get(room, {}))

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- the protocol --------------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        if not http.path.startswith(PREFIX) or http.path[len(PREFIX) :] not in METHODS:
            return self._error(http, 404, "bad_route", "no such method")
        method = http.path[len(PREFIX) :]
        request_class, response_class, grant, for_room = METHODS[method]
        body = http.rfile.read(int(http.headers.get("Content-Length") or 0))
        is_json = http.headers.get("Content-Type", "").startswith("application/json")
        try:
            request = json_format.Parse(body or b"{}", request_class()) if is_json else request_class.FromString(body)
        except Exception:
            return self._error(http, 400, "malformed", "the body is not a " + request_class.__name__, method)
        claims = self._authorise(http, method)
        if claims is None:
            return None
        video = claims.get("video") or {}
        if not video.get(grant) or (for_room and video.get("room") != request.room):
            return self._error(http, 403, "permission_denied", f"needs {grant} for this room", method)
        self.calls.append(Call(method, json_format.MessageToDict(request), time.monotonic()))
        try:
            response = getattr(self, f"_{method}")(request, response_class)
        except LookupError as exc:
            return self._error(http, 404, "not_found", str(exc), method)
        if is_json:
            data, content_type = json_format.MessageToJson(response).encode(), "application/json"
        else:
            data, content_type = response.SerializeToString(), "application/protobuf"
        http.send_response(200)
        http.send_header("Content-Type", content_type)
        http.send_header("Content-Length", str(len(data)))
        http.end_headers()
        http.wfile.write(data)
        return None

    def _authorise(self, http, method: str) -> dict | None:
        header = http.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            self._error(http, 401, "unauthenticated", "no bearer token", method)
            return None
        try:
            claims = jwt.decode(header[7:], self.api_secret, algorithms=["HS256"], options={"require": ["exp", "iss"]})
        except jwt.PyJWTError as exc:
            self._error(http, 401, "unauthenticated", f"bad token: {type(exc).__name__}", method)
            return None
        if claims["iss"] != self.api_key:
            self._error(http, 401, "unauthenticated", "unknown API key", method)
            return None
        return claims

    def _error(self, http, status: int, code: str, msg: str, method: str = "") -> None:
        self.refused.append((method, code))
        data = json.dumps({"code": code, "msg": msg}).encode()
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(data)))
        http.end_headers()
        http.wfile.write(data)

    def _participant(self, room: str, identity: str):
        try:
            return self.rooms[room][identity]
        except KeyError:
            raise LookupError("participant not found") from None

    def _RemoveParticipant(self, request, response_class):
        self._participant(request.room, request.identity)
        del self.rooms[request.room][request.identity]
        return response_class()

    def _GetParticipant(self, request, response_class):
        return self._participant(request.room, request.identity)

    def _ListParticipants(self, request, response_class):
        return response_class(participants=list(self.rooms.get(request.room, {}).values()))

    def _MutePublishedTrack(self, request, response_class):
        for track in self._participant(request.room, request.identity).tracks:
            if track.sid == request.track_sid:
                track.muted = request.muted
                return response_class(track=track)
        raise LookupError("track not found")

    def _DeleteRoom(self, request, response_class):
        if request.room not in self.rooms:
            raise LookupError("room not found")
        del self.rooms[request.room]
        return response_class()

    def _ListRooms(self, request, response_class):
        return response_class(rooms=[models.Room(name=name) for name in self.rooms])
