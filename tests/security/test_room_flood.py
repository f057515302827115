"""One person's room actions are limited per session, whatever they come through: every socket they open and
the plain-HTTP fallback share one allowance, kept in the shared cache (Redis in production). The flooder
gets a kind message; the leaders get one notice, not a flood."""

import asyncio
import math
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from sessions.models import RoomAlert
from tests.room.conftest import joined

pytestmark = pytest.mark.django_db(transaction=True)
ONE_WINDOW = 24 * 60 * 60  # seconds


async def drain_all(communicator) -> list[dict]:
    messages = []
    while not await communicator.receive_nothing(timeout=0.3):
        messages.append(await communicator.receive_json_from())
    return messages


def most_allowed(settings, elapsed: float) -> int:
    """Events the limit lets through in `elapsed` seconds (a burst may straddle two windows)."""
    return settings.ROOM_RATE_LIMIT_EVENTS * (math.ceil(elapsed / settings.ROOM_RATE_LIMIT_SECONDS) + 1)


def triggered_alerts(user) -> int:
    return RoomAlert.objects.filter(user=user, kind=RoomAlert.Kind.TRIGGERED).count()


def post_triggered(user, session, times: int) -> list:
    client = Client()
    client.force_login(user)
    url = reverse("sessions:room_action", args=[session.pk])
    return [
        client.post(url, {"action": "triggered"}, HTTP_ACCEPT="application/json", HTTP_ORIGIN="http://testserver")
        for _ in range(times)
    ]


def notices(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["type"] == "notice"]


async def test_sixty_triggered_alerts_over_plain_http_are_limited_kindly(cast, open_session, socket_for, settings):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")  # in the room

    started = time.monotonic()
    answers = await sync_to_async(post_triggered)(cast.member, open_session, 60)
    elapsed = time.monotonic() - started

    accepted = [a for a in answers if a.status_code == 200]
    limited = [a for a in answers if a.status_code == 429]
    assert len(accepted) + len(limited) == 60
    assert len(accepted) <= most_allowed(settings, elapsed)
    assert await sync_to_async(triggered_alerts)(cast.member) == len(accepted)
    body = limited[0].json()
    assert body["code"] == "rate_limited" and "moment" in body["message"]
    assert len(notices(await drain_all(leader))) == 1
    await member.disconnect()
    await leader.disconnect()


async def test_thirty_sockets_share_one_allowance(cast, open_session, socket_for, settings):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    tabs = [await joined(socket_for, cast.member, open_session, expect="welcome") for _ in range(30)]

    started = time.monotonic()
    for tab in tabs:
        await tab.send_json_to({"type": "triggered"})
    answers = [m for tab in tabs for m in await drain_all(tab) if m["type"] in ("done", "error")]
    elapsed = time.monotonic() - started

    assert len(answers) == 30
    limited = [a for a in answers if a.get("code") == "rate_limited"]
    assert limited and "moment" in limited[0]["message"]
    created = await sync_to_async(triggered_alerts)(cast.member)
    assert created == 30 - len(limited) <= most_allowed(settings, elapsed)
    assert len(notices(await drain_all(leader))) == 1
    for tab in tabs:
        await tab.disconnect()
    await leader.disconnect()


async def test_sockets_and_plain_http_draw_on_the_same_allowance(cast, open_session, socket_for, settings):
    # One window for the whole test, however slow the machine: windows are aligned to the clock (limit.py), so a
    # 30-second one was crossed mid-test now and then on a loaded machine; a day's is crossed only at midnight.
    settings.ROOM_RATE_LIMIT_SECONDS = ONE_WINDOW
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    for _ in range(settings.ROOM_RATE_LIMIT_EVENTS):
        await member.send_json_to({"type": "triggered"})
    answers = [m for m in await drain_all(member) if m["type"] in ("done", "error")]
    assert [a["type"] for a in answers] == ["done"] * settings.ROOM_RATE_LIMIT_EVENTS

    [over_http] = await sync_to_async(post_triggered)(cast.member, open_session, 1)

    assert over_http.status_code == 429
    await member.disconnect()


async def test_positive_control_another_person_is_not_held_back_by_the_flooder(
    cast, open_session, socket_for, settings
):
    settings.ROOM_RATE_LIMIT_SECONDS = ONE_WINDOW
    await sync_to_async(post_triggered)(cast.member, open_session, settings.ROOM_RATE_LIMIT_EVENTS + 3)
    other = await joined(socket_for, cast.co_leader, open_session, expect="snapshot")
    await other.send_json_to({"type": "chat", "text": "hello everyone"})
    answers = [m for m in await drain_all(other) if m["type"] in ("done", "error")]
    assert answers and answers[0]["type"] == "done"
    await other.disconnect()


async def test_the_allowance_comes_back_after_the_window(cast, open_session, socket_for, settings):
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await sync_to_async(post_triggered)(cast.member, open_session, settings.ROOM_RATE_LIMIT_EVENTS * 3)
    await asyncio.sleep(settings.ROOM_RATE_LIMIT_SECONDS * 2 + 0.1)
    await member.send_json_to({"type": "raise_hand"})
    answers = [m for m in await drain_all(member) if m["type"] in ("done", "error")]
    assert answers[0]["type"] == "done"
    await member.disconnect()
