"""Bad input gets an error with a code, never a crash or a silent drop, and the socket stays usable."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from sessions.models import RoomAlert
from tests.room.conftest import joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def still_usable(communicator):
    """After an error, the same socket still answers."""
    await communicator.send_json_to({"type": "ping"})
    assert (await receive_until(communicator, "pong"))["type"] == "pong"


async def send_and_expect_error(communicator, text: str, code: str) -> dict:
    await communicator.send_to(text_data=text)
    error = await receive_until(communicator, "error")
    assert error["code"] == code
    assert error["message"]
    await still_usable(communicator)
    return error


@pytest.fixture
async def member_socket(socket_for, cast, open_session):
    communicator = await joined(socket_for, cast.member, open_session, expect="welcome")
    yield communicator
    await communicator.disconnect()


async def test_invalid_json_is_answered_with_invalid_json(member_socket):
    await send_and_expect_error(member_socket, "{not json", "invalid_json")


async def test_json_that_is_not_an_object_is_answered_with_invalid_json(member_socket):
    await send_and_expect_error(member_socket, '["raise_hand"]', "invalid_json")


async def test_binary_frame_is_answered_with_invalid_json(member_socket):
    await member_socket.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(member_socket, "error"))["code"] == "invalid_json"
    await still_usable(member_socket)


async def test_unknown_type_is_answered_with_unknown_type(member_socket):
    await send_and_expect_error(member_socket, json.dumps({"type": "dance"}), "unknown_type")


async def test_missing_type_is_answered_with_unknown_type(member_socket):
    await send_and_expect_error(member_socket, json.dumps({"text": "hello"}), "unknown_type")


@pytest.mark.parametrize(
    "message",
    [
        {"type": "message"},
        {"type": "message", "text": 42},
        {"type": "message", "text": "   "},
        {"type": "leave", "choice": "maybe"},
        {"type": "lower_hand", "user": "3"},
        {"type": "lower_hand", "user": True},
    ],
    ids=["missing", "wrong-type", "blank", "not-a-choice", "number-as-text", "bool-as-number"],
)
async def test_missing_or_wrong_typed_field_is_answered_with_invalid_field(member_socket, message):
    await send_and_expect_error(member_socket, json.dumps(message), "invalid_field")


async def test_text_over_the_limit_is_answered_with_too_long(member_socket, settings):
    text = "a" * (settings.ROOM_MAX_TEXT_LENGTH + 1)
    await send_and_expect_error(member_socket, json.dumps({"type": "chat", "text": text}), "too_long")


async def test_text_at_the_limit_is_fine(member_socket, settings):
    await member_socket.send_json_to({"type": "chat", "text": "a" * settings.ROOM_MAX_TEXT_LENGTH})
    assert (await receive_until(member_socket, "chat"))["text"].startswith("aaa")


async def test_frame_over_the_limit_is_refused_before_parsing(member_socket, settings):
    frame = "[" * (settings.ROOM_MAX_FRAME_BYTES + 1)  # would be invalid JSON if it were parsed at all
    await send_and_expect_error(member_socket, frame, "frame_too_large")


async def test_multibyte_frame_over_the_byte_limit_is_refused(member_socket, settings):
    frame = json.dumps({"type": "chat", "text": "€" * (settings.ROOM_MAX_FRAME_BYTES // 3 + 1)}, ensure_ascii=False)
    assert len(frame) < settings.ROOM_MAX_FRAME_BYTES < len(frame.encode())
    await send_and_expect_error(member_socket, frame, "frame_too_large")


async def test_too_many_events_a_second_are_answered_with_rate_limited(member_socket, settings):
    burst = settings.ROOM_RATE_LIMIT_EVENTS + 3
    for _ in range(burst):
        await member_socket.send_json_to({"type": "ping"})
    answers = [await member_socket.receive_json_from() for _ in range(burst)]
    # The bucket refills a little while the burst is read, so allow one more than the limit through.
    assert [a["type"] for a in answers].count("pong") <= settings.ROOM_RATE_LIMIT_EVENTS + 1
    assert "rate_limited" in [a.get("code") for a in answers]


async def test_rate_limit_recovers_after_a_moment(member_socket, settings):
    import asyncio

    for _ in range(20):
        await member_socket.send_json_to({"type": "ping"})
    for _ in range(20):
        await member_socket.receive_json_from()
    await asyncio.sleep(settings.ROOM_RATE_LIMIT_SECONDS + 0.1)
    await still_usable(member_socket)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "acknowledge", "alert": 1},
        {"type": "lower_all_hands"},
        {"type": "reply", "to": 1, "text": "hi"},
        {"type": "remove", "user": 1, "reason": "other"},
        {"type": "end_session"},
        {"type": "chat_toggle", "enabled": False},
        {"type": "make_concern", "alert": 1, "text": "x", "category": "other", "risk_level": "low"},
    ],
    ids=lambda message: message["type"],
)
async def test_member_sending_a_leader_only_type_is_answered_with_forbidden(member_socket, message):
    await send_and_expect_error(member_socket, json.dumps(message), "forbidden")


async def test_leader_sending_a_member_only_type_is_answered_with_forbidden(socket_for, cast, open_session):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    await send_and_expect_error(leader, json.dumps({"type": "raise_hand"}), "forbidden")
    await leader.disconnect()


async def test_undeliverable_chat_is_reported_to_the_sender_at_once(member_socket, monkeypatch):
    layer = get_channel_layer()

    async def broken(group, message):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(layer, "group_send", broken)
    await member_socket.send_json_to({"type": "chat", "text": "anyone there?"})
    error = await receive_until(member_socket, "error")
    assert error["code"] == "not_delivered"
    assert "has not been kept" in error["message"]


async def test_undeliverable_private_message_leaves_no_alert_behind(socket_for, cast, open_session, monkeypatch):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    layer = get_channel_layer()

    async def broken(group, message):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(layer, "group_send", broken)
    await member.send_json_to({"type": "message", "text": "please help"})
    assert (await receive_until(member, "error"))["code"] == "not_delivered"
    assert not await database_sync_to_async(RoomAlert.objects.filter(kind="message").exists)()
    monkeypatch.undo()
    await member.disconnect()
    await leader.disconnect()


async def test_raised_hand_is_kept_even_when_the_channel_layer_is_down(socket_for, cast, open_session, monkeypatch):
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    layer = get_channel_layer()

    async def broken(group, message):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(layer, "group_send", broken)
    await member.send_json_to({"type": "raise_hand"})
    assert (await receive_until(member, "done"))["state"]["hand_raised"] is True
    assert await database_sync_to_async(RoomAlert.objects.raised_hands().count)() == 1
    monkeypatch.undo()
    await member.disconnect()


async def test_channel_layer_down_at_connect_refuses_the_socket_so_the_page_falls_back(
    socket_for, cast, open_session, monkeypatch
):
    layer = get_channel_layer()

    async def broken(group, channel):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(layer, "group_add", broken)
    communicator = await socket_for(cast.member, open_session, expect_connected=False)
    assert await communicator.receive_nothing()
    await communicator.disconnect()


async def test_deeply_nested_json_is_answered_with_invalid_json_and_nothing_logged_at_error(
    member_socket, settings, caplog
):
    # Under the frame size limit, but deeper than the JSON decoder's recursion allows.
    text = "[" * 5000 + "]" * 5000
    assert len(text.encode()) <= settings.ROOM_MAX_FRAME_BYTES
    with caplog.at_level("INFO"):
        await send_and_expect_error(member_socket, text, "invalid_json")
    assert not [r for r in caplog.records if r.levelno >= 40], "nothing is logged at ERROR"
