"""Room chat names its sender by display name and an opaque handle for this session, never by user id:
every member in the room receives each line, and a user id is a key to the person across the site."""

import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from sessions.models import GroupSession
from tests.room.conftest import drain, joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_member(cast, membership_factory, user_factory):
    return membership_factory(cast.group, user_factory(display_name="Second Sam")).user


def handle_on_the_room_page(user, session) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("sessions:room", args=[session.pk])).content.decode()
    return re.search(r'data-chat-handle="([^"]+)"', html).group(1)


async def chat_line(sender, receiver, text: str) -> dict:
    await sender.send_json_to({"type": "chat", "text": text})
    return await receive_until(receiver, "chat")


async def test_a_chat_line_carries_an_opaque_handle_and_no_user_id(cast, open_session, socket_for, second_member):
    mo = await joined(socket_for, cast.member, open_session, expect="welcome")
    sam = await joined(socket_for, second_member, open_session, expect="welcome")
    await drain(mo)
    await drain(sam)

    first = await chat_line(mo, sam, "Hello all")
    second = await chat_line(mo, sam, "Glad to be here")
    await drain(mo)  # Mo's own lines come back to Mo too
    reply = await chat_line(sam, mo, "Hi Mo")

    assert "from_id" not in first and "user_id" not in first
    assert str(cast.member.pk) not in first["from_handle"]
    assert first["from_handle"] == second["from_handle"] != reply["from_handle"]
    assert len(first["from_handle"]) >= 16
    # Each member's page knows its own handle, so it can say "You".
    assert await sync_to_async(handle_on_the_room_page)(cast.member, open_session) == first["from_handle"]
    await mo.disconnect()
    await sam.disconnect()


async def test_the_handle_is_different_in_another_session(cast, open_session, socket_for, session_factory):
    other = await sync_to_async(session_factory)(
        cast.group, starts_in=timedelta(minutes=-5), status=GroupSession.Status.OPEN
    )
    here = await sync_to_async(handle_on_the_room_page)(cast.member, open_session)
    there = await sync_to_async(handle_on_the_room_page)(cast.member, other)
    assert here != there
