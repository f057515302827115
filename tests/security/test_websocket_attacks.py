"""Attacks on the room's websocket, through the real ASGI application (origin check, session auth, consumer).

Each refusal has a positive control: the same request, changed only in the one thing under test, is
accepted, so a refusal for some other reason (a missing session, a typo in the URL) cannot pass for a defence.
Malformed frames, unknown types and wrong field types are covered one by one in
tests/room/test_consumer_errors.py; oversized frames on the real server are in test_real_server.py.
"""

import asyncio
import json
import math
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from peersupport.asgi import application
from safeguarding.models import Removal
from sessions.models import GroupSession, RoomAlert
from tests.room.conftest import ORIGIN, joined, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

FOREIGN_ORIGINS = {
    "another site": b"https://evil.example",
    "a sandboxed page": b"null",
    "a look-alike host": b"http://127.0.0.1.evil.example",
    "no origin at all": None,
    "a look-alike with a port": b"http://localhost.evil.example:8000",
}


async def connect(session, *, cookie: bytes | None, origin: bytes | None) -> tuple[WebsocketCommunicator, bool]:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie is not None:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, f"/ws/sessions/{session.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS.values(), ids=FOREIGN_ORIGINS.keys())
async def test_a_socket_opened_from_another_site_is_refused(cast, open_session, origin):
    """Cross-site websocket hijacking: the member's own cookie rides along, but the page is not ours."""
    cookie = await database_sync_to_async(session_cookie)(cast.member)
    communicator, connected = await connect(open_session, cookie=cookie, origin=origin)
    assert connected is False
    await communicator.disconnect()


async def test_positive_control_the_same_socket_from_our_own_site_is_accepted(cast, open_session):
    cookie = await database_sync_to_async(session_cookie)(cast.member)
    communicator, connected = await connect(open_session, cookie=cookie, origin=ORIGIN[1])
    assert connected is True
    assert (await communicator.receive_json_from())["type"] == "welcome"
    await communicator.disconnect()


async def test_a_socket_without_a_sign_in_is_refused_and_with_one_accepted(cast, open_session):
    anonymous, connected = await connect(open_session, cookie=None, origin=ORIGIN[1])
    assert connected is False
    await anonymous.disconnect()
    forged, connected = await connect(open_session, cookie=b"sessionid=not-a-real-session-key", origin=ORIGIN[1])
    assert connected is False
    await forged.disconnect()
    cookie = await database_sync_to_async(session_cookie)(cast.member)
    member, connected = await connect(open_session, cookie=cookie, origin=ORIGIN[1])
    assert connected is True
    await member.disconnect()


@pytest.fixture
def other_groups_session(cast, session_factory):
    return session_factory(cast.other_group, starts_in=timedelta(minutes=-5), status=GroupSession.Status.OPEN)


async def test_a_member_of_one_group_cannot_open_another_groups_room(cast, other_groups_session, socket_for):
    refused = await socket_for(cast.member, other_groups_session, expect_connected=False)
    await refused.disconnect()
    # Positive control: the same room opens for that group's own leader.
    leader = await joined(socket_for, cast.other_leader, other_groups_session, expect="snapshot")
    await leader.disconnect()


async def test_a_leader_of_one_group_cannot_lead_another_groups_room(cast, other_groups_session, socket_for):
    refused = await socket_for(cast.leader, other_groups_session, expect_connected=False)
    await refused.disconnect()


async def test_leader_only_messages_from_a_member_change_nothing(cast, open_session, socket_for, membership_factory):
    """Every leader-only message a member sends is refused (tests/room/test_consumer_errors.py) and has no effect."""
    bystander_user = (await database_sync_to_async(membership_factory)(cast.group)).user
    bystander = await joined(socket_for, bystander_user, open_session, expect="welcome")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await bystander.send_json_to({"type": "raise_hand"})
    await receive_until(bystander, "done")
    hand = await database_sync_to_async(RoomAlert.objects.get)(user=bystander_user)

    attempts = [
        {"type": "remove", "user": bystander_user.pk, "reason": "talking_over"},
        {"type": "end_session"},
        {"type": "chat_toggle", "enabled": False},
        {"type": "lower_all_hands"},
        {"type": "acknowledge", "alert": hand.pk},
        {"type": "reply", "to": bystander_user.pk, "text": "Pretending to be a leader"},
        {"type": "make_concern", "alert": hand.pk, "text": "x", "category": "other", "risk_level": "low"},
    ]
    for attempt in attempts:
        await member.send_json_to(attempt)
        assert (await receive_until(member, "error"))["code"] == "forbidden"
        await asyncio.sleep(0.25)  # stay under the rate limit: this test is about rights, not floods

    session = await database_sync_to_async(GroupSession.objects.get)(pk=open_session.pk)
    assert session.status == GroupSession.Status.OPEN and session.chat_enabled
    assert not await database_sync_to_async(Removal.objects.exists)()
    hand = await database_sync_to_async(RoomAlert.objects.get)(pk=hand.pk)
    assert hand.lowered_at is None and hand.acknowledged_at is None
    assert "reply" not in [m["type"] for m in await drain_all(bystander)]
    await member.disconnect()
    await bystander.disconnect()


async def drain_all(communicator) -> list[dict]:
    messages = []
    while not await communicator.receive_nothing(timeout=0.2):
        messages.append(await communicator.receive_json_from())
    return messages


@pytest.mark.parametrize(
    "message",
    [
        {"type": "chat", "text": "x" * 10_000},
        {"type": "message", "text": "x" * 10_000},
        {"type": "triggered", "note": "x" * 10_000},
        {"type": "leave", "choice": "note", "note": "x" * 10_000},
    ],
    ids=["chat", "message-to-leaders", "triggered-note", "check-in-note"],
)
async def test_a_ten_thousand_character_text_is_refused_and_the_socket_stays_usable(
    cast, open_session, socket_for, message
):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await member.send_json_to(message)
    assert (await receive_until(member, "error"))["code"] == "too_long"
    await member.send_json_to({"type": "ping"})
    assert (await receive_until(member, "pong"))["type"] == "pong"
    assert not [m for m in await drain_all(leader) if "x" * 100 in json.dumps(m)]  # nothing of it went anywhere
    await member.disconnect()
    await leader.disconnect()


async def test_a_flood_of_200_events_in_a_second_is_rate_limited(cast, open_session, socket_for, settings):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    started = time.monotonic()
    for n in range(200):
        await member.send_to(text_data=json.dumps({"type": "chat", "text": f"spam {n}"}))
    answers = [await member.receive_json_from(timeout=5) for _ in range(200)]
    # The limits refill with time: at most a second's allowance for every second the flood took to handle,
    # and one more for the window it began in (a loaded machine handles the 200 frames in more than a second).
    allowance = settings.ROOM_RATE_LIMIT_EVENTS * (math.ceil(time.monotonic() - started) + 1)
    limited = [a for a in answers if a.get("code") == "rate_limited"]
    assert len(limited) >= 200 - allowance
    chats_reaching_the_leader = [m for m in await drain_all(leader) if m["type"] == "chat"]
    assert len(chats_reaching_the_leader) <= allowance
    # A moment later the same socket works normally again.
    await asyncio.sleep(settings.ROOM_RATE_LIMIT_SECONDS + 0.2)
    await member.send_json_to({"type": "raise_hand"})
    assert (await receive_until(member, "done"))["action"] == "raise_hand"
    await member.disconnect()
    await leader.disconnect()


async def test_flooding_from_many_tabs_does_not_get_round_the_limit_per_socket(
    cast, open_session, socket_for, settings
):
    """Each socket has its own bucket: five tabs get five buckets, still a small bounded number of events."""
    tabs = [await joined(socket_for, cast.member, open_session, expect="welcome") for _ in range(5)]
    for tab in tabs:
        for _ in range(40):
            await tab.send_json_to({"type": "ping"})
    pongs = 0
    for tab in tabs:
        answers = [await tab.receive_json_from(timeout=5) for _ in range(40)]
        pongs += sum(1 for a in answers if a["type"] == "pong")
    assert pongs <= 5 * 2 * settings.ROOM_RATE_LIMIT_EVENTS
    for tab in tabs:
        await tab.disconnect()
