"""A removal closes the member's open room socket at once (through the real ASGI app and channel layer)."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from groups.models import Membership
from safeguarding import removals
from tests.room.conftest import joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


def remove(cast, **kwargs):
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    return removals.remove_member(membership, actor=cast.leader, reasons=["offensive_language"], **kwargs)


async def test_a_temporary_removal_closes_the_members_socket_and_they_cannot_reconnect(socket_for, cast, open_session):
    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    await database_sync_to_async(remove)(cast, kind="temporary", until=timezone.now() + timedelta(days=7))

    closed = await receive_until(member, "closed", timeout=3)
    assert closed["reason"] == "forbidden"
    assert (await member.receive_output(timeout=3))["type"] == "websocket.close"
    again = await socket_for(cast.member, open_session, expect_connected=False)
    await again.disconnect()


async def test_a_removal_from_the_session_closes_the_socket_and_bars_rejoining(socket_for, cast, open_session):
    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    await database_sync_to_async(remove)(cast, kind="session", session=open_session)

    closed = await receive_until(member, "closed", timeout=3)
    assert closed["reason"] == "removed"
    again = await socket_for(cast.member, open_session, expect_connected=False)
    await again.disconnect()


async def test_other_members_stay_connected(socket_for, cast, open_session, membership_factory):
    other = await database_sync_to_async(membership_factory)(cast.group)
    bystander = await joined(socket_for, other.user, open_session, expect="welcome")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    await database_sync_to_async(remove)(cast, kind="permanent")

    await receive_until(member, "closed", timeout=3)
    messages = []
    while not await bystander.receive_nothing(timeout=0.3):
        messages.append(await bystander.receive_json_from())
    assert "closed" not in [m["type"] for m in messages]
    await bystander.disconnect()
