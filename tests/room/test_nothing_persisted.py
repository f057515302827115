"""Confidentiality: after a session full of chat and private words, none of them is kept anywhere.

Not in any table, not in the cache, not in a log line (at DEBUG, with SQL logging on), not in a Celery
message, and not left waiting in the channel layer.
"""

import logging
import pickle

import pytest
from asgiref.sync import sync_to_async
from celery.app.task import Task
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection

from tests.room.conftest import drain, joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

SECRETS = {
    "chat": "Chat line about my brother Tobias-7731",
    "held": "Has anyone tried ketamine? Quokka-5528",
    "message": "Private to leaders: my address is Wisteria-4410",
    "triggered": "Trigger note about Marigold-9902",
    "check_in": "Check-in note: Heron-6617",
    "reply": "Leader reply about Juniper-3385",
}


def every_row_as_text() -> str:
    """Every row of every table in the database, as text."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names only
            lines.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(lines)


def every_cache_entry_as_text() -> str:
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # local memory: pickled values
        return "\n".join(f"{key} {pickle.loads(value)!r}" for key, value in backend.items())  # noqa: S301
    client = cache._cache.get_client()  # Redis: the cache and channels-redis share this database
    return "\n".join(f"{key!r} {redis_value(client, key)!r}" for key in client.scan_iter("*"))


def redis_value(client, key):
    """Read a key whatever its type (the channel layer keeps sorted sets and lists, the cache strings)."""
    kind = client.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    readers = {
        "string": client.get,
        "list": lambda k: client.lrange(k, 0, -1),
        "zset": lambda k: client.zrange(k, 0, -1),
        "set": client.smembers,
        "hash": client.hgetall,
    }
    return readers.get(kind, lambda k: kind)(key)


def channel_layer_leftovers() -> str:
    """Messages still queued in the in-memory layer (with Redis, its keys are in the cache scan's database)."""
    layer = get_channel_layer()
    return repr(getattr(layer, "channels", {}))


@pytest.fixture
def celery_messages(monkeypatch):
    """Everything handed to Celery during the test (arguments and options)."""
    sent = []
    original = Task.apply_async

    def recording(self, args=None, kwargs=None, **options):
        sent.append(repr((self.name, args, kwargs, options)))
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", recording)
    return sent


async def test_no_chat_or_private_text_is_kept_anywhere(
    socket_for, cast, open_session, caplog, celery_messages, settings
):
    settings.DEBUG = True  # SQL is logged too, with its parameters
    for name in (None, "django", "django.db.backends", "sessions", "channels", "daphne"):
        caplog.set_level(logging.DEBUG, logger=name)

    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    await member.send_json_to({"type": "chat", "text": SECRETS["chat"]})
    await receive_until(leader, "chat")
    await member.send_json_to({"type": "chat", "text": SECRETS["held"]})
    assert (await receive_until(leader, "alert"))["text"] == SECRETS["held"]
    await member.send_json_to({"type": "message", "text": SECRETS["message"]})
    assert (await receive_until(leader, "alert"))["text"] == SECRETS["message"]
    await member.send_json_to({"type": "triggered", "note": SECRETS["triggered"]})
    assert (await receive_until(leader, "alert"))["text"] == SECRETS["triggered"]
    await leader.send_json_to({"type": "reply", "to": cast.member.pk, "text": SECRETS["reply"]})
    assert (await receive_until(member, "reply"))["text"] == SECRETS["reply"]
    await member.send_json_to({"type": "leave", "choice": "note", "note": SECRETS["check_in"]})
    assert (await receive_until(leader, "alert"))["text"] == SECRETS["check_in"]
    await drain(leader)
    await member.disconnect()
    await leader.disconnect()

    rows = await sync_to_async(every_row_as_text)()
    cached = await sync_to_async(every_cache_entry_as_text)()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "SELECT" in logged or "INSERT" in logged  # SQL logging really was on
    queued = "\n".join(celery_messages)
    leftovers = channel_layer_leftovers()
    for name, secret in SECRETS.items():
        word = secret.split()[-1]  # the unique marker, e.g. "Tobias-7731"
        assert word not in rows, f"{name} text found in the database"
        assert word not in cached, f"{name} text found in the cache"
        assert word not in logged, f"{name} text found in the logs"
        assert word not in queued, f"{name} text found in a Celery message"
        assert word not in leftovers, f"{name} text left in the channel layer"


async def test_held_back_chat_keeps_only_the_matched_list_word(socket_for, cast, open_session):
    from sessions.models import RoomAlert

    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await member.send_json_to({"type": "chat", "text": SECRETS["held"]})
    await receive_until(leader, "alert")
    alert = await RoomAlert.objects.aget(kind="held_chat")
    assert alert.matched_word == "ketamine"
    assert "Quokka" not in await sync_to_async(every_row_as_text)()
    await member.disconnect()
    await leader.disconnect()
