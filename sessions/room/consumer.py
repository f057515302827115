"""The live room's websocket: thin on purpose.

parse and validate (protocol) -> re-check the person's place in the room and do the work in the database
(dispatch, member_actions, leader_actions) -> deliver the outcome through the channel layer after it
committed. Everything it sends the browser is built by the protocol. Every database touch
goes through `database_sync_to_async`, once per event. Message text is never logged.
"""

import contextlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import connections

from core import live
from sessions.room import admission, limit, presence
from sessions.room.dispatch import perform
from sessions.room.outcome import NOT_DELIVERED, Outcome
from sessions.room.protocol import ProtocolError, TokenBucket, check_frame, error, parse, to_browser
from sessions.room.snapshot import snapshot, welcome

logger = logging.getLogger(__name__)

# Close codes after accept (the browser does not reconnect after these).
CLOSE_REFUSED = 4001
CLOSE_ENDED = 4002
CLOSE_LEFT = 4003
# The channel layer (Redis) was lost: the browser reconnects. Like 1013 "try again later", which daphne's
# websocket library (autobahn) refuses to send: a server may only close with 1000 or 3000-4999.
CLOSE_TRY_AGAIN = 4013

# Where a handshake's database work runs. Everything else a socket does goes through the one database thread
# all sockets share (channels.db.database_sync_to_async), one event after another. A handshake is a dozen
# queries, mostly waiting on PostgreSQL, and after a deploy or a crash every member reconnects at once: on that
# one thread they queued for many seconds, raised hands behind them. On a few threads of their own the waits
# overlap (bench/: "authenticated connect"). Each call is whole in itself (its own queries and transaction,
# connections cleaned up around it), so which thread runs it does not matter; each thread holds a pooled
# connection while it works, so ROOM_CONNECT_THREADS stays well under DB_POOL_MAX_SIZE.
HANDSHAKES = ThreadPoolExecutor(max_workers=settings.ROOM_CONNECT_THREADS, thread_name_prefix="room-connect")


def on_handshake_thread(func):
    """database_sync_to_async for a handshake's work: on the handshakes' threads, not the shared one."""

    def handshake(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()  # a handshake thread holds no connection between handshakes

    return database_sync_to_async(handshake, thread_sensitive=False, executor=HANDSHAKES)


SESSION_ENDED = "The session has ended. Thank you for being here today, and take good care of yourself."


def _is_layer_failure(exc: BaseException) -> bool:
    """The channel layer's backend (Redis) failed, as opposed to a bug in our code."""
    return isinstance(exc, OSError) or type(exc).__module__.split(".")[0] == "redis"


class RoomConsumer(AsyncWebsocketConsumer):
    admitted = False
    is_leader = False
    closing = False  # we have sent the close: nothing more may be sent on this socket

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            if not _is_layer_failure(exc):
                raise
            # Redis went away under an open socket. Close it: the page falls back to plain requests and
            # keeps trying to reconnect. Nothing is lost, the room's state is in the database, and the
            # person stays in the room (their connection row goes stale instead of marking them as left).
            logger.warning("room: channel layer lost under an open socket (%s); closing it", type(exc).__name__)
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})

    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close()
            return
        admitted = await on_handshake_thread(self._authorise)()
        if not admitted:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.groups_joined = [live.session_group(self.session_id), live.user_group(self.user.pk)]
        if self.is_leader:
            self.groups_joined.append(live.leaders_group(self.session_id))
        try:
            # Join the groups before reading the state, so nothing that happens in between is missed.
            for group in self.groups_joined:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:
            logger.warning("room: channel layer unavailable on connect (%s)", type(exc).__name__)
            await self._leave_groups()
            await self.close()  # the page falls back to plain requests until it can reconnect
            return
        hello, outcome = await on_handshake_thread(self._enter)()
        self.admitted = True
        self.bucket = TokenBucket(settings.ROOM_RATE_LIMIT_EVENTS, settings.ROOM_RATE_LIMIT_SECONDS, time.monotonic)
        await self.accept()
        await self._send(hello)
        await self._deliver(outcome)

    def _authorise(self) -> bool:
        try:
            self.room_session, self.membership = admission.admit_socket(self.user, self.session_id)
        except admission.RoomRefused as refusal:
            logger.info("room: refused a socket for session %s (%s)", self.session_id, refusal.code)
            return False
        self.is_leader = self.membership.is_leader
        return True

    def _enter(self) -> tuple[dict, Outcome]:
        participant, outcome = presence.arrive(self.room_session, self.membership, channel_name=self.channel_name)
        if self.is_leader:
            return snapshot(self.room_session), outcome
        return welcome(self.room_session, self.user, participant=participant), outcome

    async def disconnect(self, code):
        if not self.admitted:
            return
        self.admitted = False
        await self._leave_groups()
        try:
            outcome = await database_sync_to_async(presence.disconnect)(
                self.session_id, self.user.pk, channel_name=self.channel_name
            )
        except Exception:
            logger.exception("room: could not record a socket closing for session %s", self.session_id)
            return
        await self._deliver(outcome)

    async def _leave_groups(self):
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as exc:
                logger.warning("room: could not leave group %s (%s)", group, type(exc).__name__)

    # --- from the browser ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        try:
            if text_data is None:
                raise ProtocolError("invalid_json", "Messages must be JSON text.")
            if not self.bucket.take():
                raise ProtocolError("rate_limited", "That was a lot at once. Please wait a moment and try again.")
            check_frame(text_data)
            try:
                data = json.loads(text_data)
            except (ValueError, RecursionError):
                # RecursionError: a deeply nested frame ("[" * 5000) under the size limit is as unreadable
                # to us as broken JSON, not a fault of ours.
                raise ProtocolError("invalid_json", "That message could not be read.") from None
            command = parse(data)
            if command.type == "ping":
                outcome = await database_sync_to_async(self._heartbeat)()
            else:
                outcome = await database_sync_to_async(self._perform)(command)
        except ProtocolError as exc:
            await self._send(error(exc.code, exc.message))
            return
        except admission.RoomRefused as exc:
            await self._refuse(exc)
            return
        except Exception as exc:
            logger.error(
                "room: an action failed in session %s (%s)", self.session_id, type(exc).__name__, exc_info=True
            )
            await self._send(error("server_error", "Something went wrong on our side. Please try again."))
            return
        if not await self._deliver(outcome):
            await self._send(error("not_delivered", NOT_DELIVERED))
            return
        if outcome.reply:
            await self._send(outcome.reply)
        if command.type == "leave":
            await self._close(CLOSE_LEFT)

    def _perform(self, command) -> Outcome:
        limit.check(self.session_id, self.user)  # one allowance per person, across sockets and HTTP
        return perform(self.session_id, self.user, command)

    def _heartbeat(self) -> Outcome:
        seat = admission.current_seat(self.session_id, self.user)
        return presence.heartbeat(seat, channel_name=self.channel_name)

    async def _deliver(self, outcome) -> bool:
        """Send an outcome's messages; on a failed required one, undo and report False."""
        for delivery in outcome.deliveries:
            try:
                await self.channel_layer.group_send(delivery.group, {"type": "room.event", "payload": delivery.payload})
            except Exception as exc:
                logger.warning("room: could not deliver to %s (%s)", delivery.group, type(exc).__name__)
                if delivery.required:
                    if outcome.undo:
                        await database_sync_to_async(outcome.undo)()
                    return False
        return True

    async def _send(self, payload: dict):
        if not self.closing:
            await self.send(text_data=json.dumps(payload))

    async def _close(self, code: int):
        if not self.closing:
            self.closing = True
            await self.close(code=code)

    async def _refuse(self, refusal: admission.RoomRefused):
        await self._send(to_browser("closed", reason=refusal.code, message=refusal.message))
        await self._close(CLOSE_REFUSED)

    # --- from the channel layer (handler names follow the message type) --------------------------

    # Messages that are only passed on to the browser: their handlers never touch the database.
    RELAY_ONLY = frozenset({"room.event", "room.ended"})

    async def dispatch(self, message):
        # Channels runs close_old_connections() in the database thread before every handler. Every
        # socket of a room gets each broadcast, so that was one trip through the process's single
        # database thread per socket per message (200 for one chat line in a full room), queued behind
        # the room's real queries. Relaying touches no database; everything that does goes through
        # database_sync_to_async, which cleans up connections itself. (bench/: broadcast scenario.)
        if message["type"] in self.RELAY_ONLY:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def room_event(self, event):
        payload = event["payload"]
        # user.<id> groups span every room the person is in: only this room's messages belong here.
        if payload.get("session_id", self.session_id) != self.session_id:
            return
        await self._send(payload)
        if payload["type"] == "left":
            await self._close(CLOSE_LEFT)

    async def room_closed(self, event):
        """Someone's access changed (removal, suspension, signing out, a disabled account): re-check against
        the database, close if gone."""
        if self.closing:
            return
        try:
            await database_sync_to_async(self._recheck)()
        except admission.RoomRefused as exc:
            await self._refuse(exc)

    def _recheck(self) -> None:
        seat = admission.current_seat(self.session_id, self.user)
        if seat.is_leader != self.is_leader:  # it listens as the role it opened with: the leaders' groups, or not
            raise admission.RoomRefused("role_changed", admission.ROLE_CHANGED)
        admission.check_signed_in(self.scope["session"].session_key, self.user.pk)

    async def room_ended(self, event):
        if event.get("session_id") == self.session_id:
            await self._send(to_browser("session_ended", message=SESSION_ENDED))
            await self._close(CLOSE_ENDED)
