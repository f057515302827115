"""The second floor: bench/floor.py's relay as a plain ASGI app, with no Channels and no Django.

The same URL, query string, groups and frames as the first floor, fanned out through Redis pub/sub
the way the pub/sub channel layer does (one subscription per group a process has members in, one
publish per group message), but with nothing in between: no consumer classes, no channel names, no
msgpack. `floor p99 / plain floor p99` is what Channels itself costs; `our p99 / floor p99` stays
what the app adds.

    uvicorn bench.floor_plain:application      (REDIS_URL, CHANNEL_LAYER_PREFIX)
"""

import asyncio
import json
import os
import re
from urllib.parse import parse_qs

import redis.asyncio as aioredis

ROUTE = re.compile(r"^/ws/floor/(\d+)/$")


class Hub:
    """This process's sockets by group, and its one subscription to Redis for all of them."""

    def __init__(self, url: str, prefix: str):
        self.redis = aioredis.Redis.from_url(url)
        self.pubsub = self.redis.pubsub()
        self.prefix = f"{prefix}.plain."
        self.groups: dict[str, set[asyncio.Queue]] = {}
        self.reader: asyncio.Task | None = None

    async def join(self, group: str, outbox: asyncio.Queue) -> None:
        members = self.groups.setdefault(group, set())
        members.add(outbox)
        if len(members) == 1:
            await self.pubsub.subscribe(self.prefix + group)
            if self.reader is None:
                self.reader = asyncio.create_task(self._read())

    async def leave(self, group: str, outbox: asyncio.Queue) -> None:
        members = self.groups.get(group)
        if members is None:
            return
        members.discard(outbox)
        if not members:
            del self.groups[group]
            await self.pubsub.unsubscribe(self.prefix + group)

    async def publish(self, group: str, payload: dict) -> None:
        await self.redis.publish(self.prefix + group, json.dumps(payload))

    async def _read(self) -> None:
        start = len(self.prefix)
        while True:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None or message["type"] != "message":
                continue
            text = message["data"].decode()
            for outbox in tuple(self.groups.get(message["channel"].decode()[start:], ())):
                outbox.put_nowait(text)


_hub: Hub | None = None


def hub() -> Hub:
    global _hub
    if _hub is None:  # made in the server's event loop, on the first socket
        _hub = Hub(os.environ["REDIS_URL"], os.environ.get("CHANNEL_LAYER_PREFIX", "bench"))
    return _hub


async def application(scope, receive, send):
    if scope["type"] != "websocket":
        return
    found = ROUTE.match(scope["path"])
    if found is None or (await receive())["type"] != "websocket.connect":
        await send({"type": "websocket.close", "code": 1000})
        return
    room = int(found.group(1))
    query = parse_qs(scope["query_string"].decode())
    user_id = int(query.get("user", ["0"])[0])
    is_leader = query.get("role", ["member"])[0] == "leader"
    groups = [f"session.{room}", f"user.{user_id}"] + ([f"session.{room}.leaders"] if is_leader else [])

    outbox: asyncio.Queue = asyncio.Queue()  # every frame to this socket, in order, from one writer

    async def write() -> None:
        while True:
            await send({"type": "websocket.send", "text": await outbox.get()})

    relay = hub()
    for group in groups:
        await relay.join(group, outbox)
    await send({"type": "websocket.accept"})
    outbox.put_nowait(json.dumps({"type": "snapshot" if is_leader else "welcome"}))
    writer = asyncio.create_task(write())
    try:
        while True:
            event = await receive()
            if event["type"] == "websocket.disconnect":
                break
            data = json.loads(event.get("text") or "{}")
            kind = data.get("type")
            if kind in ("raise_hand", "lower_hand"):
                lowered = None if kind == "raise_hand" else "now"
                alert = {"type": "alert", "alert": {"kind": "hand", "user_id": user_id, "lowered_at": lowered}}
                await relay.publish(
                    f"user.{user_id}", {"type": "state", "session_id": room, "hand_raised": not lowered}
                )
                await relay.publish(f"session.{room}.leaders", alert)
                outbox.put_nowait(json.dumps({"type": "done", "action": kind}))
            elif kind == "chat":
                chat = {"type": "chat", "from_handle": str(user_id), "text": data.get("text", "")}
                await relay.publish(f"session.{room}", chat)
                outbox.put_nowait(json.dumps({"type": "done", "action": "chat"}))
    finally:
        writer.cancel()
        for group in groups:
            await relay.leave(group, outbox)
