"""core/live.py: talking to open sockets from ordinary code, surviving a channel layer that is down."""

import logging

from channels.layers import get_channel_layer

from core import live
from sessions.room.outcome import Delivery, Outcome


def broken_layer(monkeypatch):
    layer = get_channel_layer()

    async def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis")

    monkeypatch.setattr(layer, "group_send", down)


def test_closing_sockets_survives_a_channel_layer_that_is_down(monkeypatch, caplog):
    broken_layer(monkeypatch)
    assert live.close_user_sockets(7, reason="removed") is False
    assert live.close_session_sockets(3) is False
    assert "could not reach group user.7" in caplog.text


def test_a_failed_required_delivery_runs_the_undo_and_logs_no_text(monkeypatch, caplog):
    broken_layer(monkeypatch)
    undone = []
    outcome = Outcome(
        reply={},
        deliveries=[Delivery("session.1.leaders", {"type": "alert", "text": "Secret words 4471"}, required=True)],
        undo=lambda: undone.append(True),
    )
    with caplog.at_level(logging.DEBUG):
        assert live.deliver(outcome) is False
    assert undone == [True]
    assert "4471" not in caplog.text


def test_a_failed_optional_delivery_is_not_a_failure(monkeypatch):
    broken_layer(monkeypatch)
    assert live.deliver(Outcome(reply={}, deliveries=[Delivery("user.1", {"type": "state"})])) is True


async def test_delivered_messages_reach_the_group(settings):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("user.5", channel)
    from asgiref.sync import sync_to_async

    assert await sync_to_async(live.send)("user.5", {"type": "seen"}) is True
    assert await layer.receive(channel) == {"type": "room.event", "payload": {"type": "seen"}}
