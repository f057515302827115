"""The floor: the same traffic as the room, through a bare Channels consumer that only relays.

No authentication, no database, no rules: a socket says who it is in the query string, joins the same
groups a room socket joins, and every frame is relayed as the room would relay it. Served by the same
ASGI server over the same channel layer (Redis), so `our p99 / floor p99` is what the app itself adds.

    uvicorn bench.floor:application      (REDIS_URL, CHANNEL_LAYER=core|pubsub)
"""

import json
import os
from urllib.parse import parse_qs

import django
from django.conf import settings

if not settings.configured:
    _redis_url = os.environ["REDIS_URL"]
    _prefix = os.environ.get("CHANNEL_LAYER_PREFIX", "bench")
    if os.environ.get("CHANNEL_LAYER", "core") == "pubsub":
        _layer = {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [_redis_url], "prefix": _prefix},
        }
    else:  # the app's own configuration of the core layer (peersupport/settings.py)
        _layer = {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_redis_url], "prefix": _prefix, "capacity": 1500, "expiry": 30},
        }
    settings.configure(INSTALLED_APPS=["channels"], CHANNEL_LAYERS={"default": _layer}, USE_TZ=True)
    django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        query = parse_qs(self.scope["query_string"].decode())
        self.room = int(self.scope["url_route"]["kwargs"]["room"])
        self.user_id = int(query.get("user", ["0"])[0])
        self.is_leader = query.get("role", ["member"])[0] == "leader"
        self.groups_joined = [f"session.{self.room}", f"user.{self.user_id}"]
        if self.is_leader:
            self.groups_joined.append(f"session.{self.room}.leaders")
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send(text_data=json.dumps({"type": "snapshot" if self.is_leader else "welcome"}))

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        data = json.loads(text_data)
        kind = data.get("type")
        if kind in ("raise_hand", "lower_hand"):
            lowered = None if kind == "raise_hand" else "now"
            alert = {"type": "alert", "alert": {"kind": "hand", "user_id": self.user_id, "lowered_at": lowered}}
            state = {"type": "state", "session_id": self.room, "hand_raised": lowered is None}
            await self._relay(f"user.{self.user_id}", state)
            await self._relay(f"session.{self.room}.leaders", alert)
            await self.send(text_data=json.dumps({"type": "done", "action": kind}))
        elif kind == "chat":
            chat = {"type": "chat", "from_handle": str(self.user_id), "text": data.get("text", "")}
            await self._relay(f"session.{self.room}", chat)
            await self.send(text_data=json.dumps({"type": "done", "action": "chat"}))

    async def _relay(self, group, payload):
        await self.channel_layer.group_send(group, {"type": "room.event", "payload": payload})

    async def room_event(self, event):
        await self.send(text_data=json.dumps(event["payload"]))


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/floor/<int:room>/", RelayConsumer.as_asgi())])},
)
