"""The leaders' backchannel on the dashboard: to the session's leaders only, live only, never kept anywhere."""

import logging

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from tests.browser.conftest import sign_in
from tests.room.conftest import drain, joined, receive_until
from tests.room.test_nothing_persisted import (
    celery_messages,  # noqa: F401 - a fixture
    channel_layer_leftovers,
    every_cache_entry_as_text,
    every_row_as_text,
)

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Can you take the next hand? I need a minute. Osprey-4471"


async def leaders_and_member(socket_for, cast, session):
    leader = await joined(socket_for, cast.leader, session, expect="snapshot")
    co_leader = await joined(socket_for, cast.co_leader, session, expect="snapshot")
    member = await joined(socket_for, cast.member, session, expect="welcome")
    for communicator in (leader, co_leader, member):
        await drain(communicator)
    return leader, co_leader, member


async def test_a_line_reaches_every_leader_and_no_member(socket_for, cast, open_session):
    leader, co_leader, member = await leaders_and_member(socket_for, cast, open_session)
    await leader.send_json_to({"type": "backchannel", "text": SECRET})
    assert (await receive_until(leader, "done"))["action"] == "backchannel"
    line = await receive_until(co_leader, "backchannel")
    assert (line["text"], line["from"], line["from_id"]) == (SECRET, "Leader Lee", cast.leader.pk)
    assert all("Osprey" not in repr(message) for message in await drain(member))
    for communicator in (leader, co_leader, member):
        await communicator.disconnect()


async def test_a_member_cannot_send_or_hear_the_backchannel(socket_for, cast, open_session):
    leader, co_leader, member = await leaders_and_member(socket_for, cast, open_session)
    await member.send_json_to({"type": "backchannel", "text": "let me in"})
    assert (await receive_until(member, "error"))["code"] == "forbidden"
    assert all(message["type"] != "backchannel" for message in await drain(leader))
    for communicator in (leader, co_leader, member):
        await communicator.disconnect()


async def test_the_backchannel_is_never_kept_anywhere(
    socket_for,
    cast,
    open_session,
    caplog,
    celery_messages,  # noqa: F811 - the fixture imported above
    settings,
):
    settings.DEBUG = True  # SQL is logged too, with its parameters
    for name in (None, "django", "django.db.backends", "sessions", "channels", "daphne"):
        caplog.set_level(logging.DEBUG, logger=name)
    leader, co_leader, member = await leaders_and_member(socket_for, cast, open_session)
    await leader.send_json_to({"type": "backchannel", "text": SECRET})
    await receive_until(co_leader, "backchannel")
    await drain(leader)
    for communicator in (leader, co_leader, member):
        await communicator.disconnect()

    rows = await sync_to_async(every_row_as_text)()
    cached = await sync_to_async(every_cache_entry_as_text)()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "SELECT" in logged or "INSERT" in logged  # SQL logging really was on
    for where, text in {
        "database": rows,
        "cache": cached,
        "logs": logged,
        "Celery": "\n".join(celery_messages),
        "channel layer": channel_layer_leftovers(),
    }.items():
        assert "Osprey-4471" not in text, f"backchannel text found in the {where}"


def test_without_the_socket_the_dashboard_form_posts_it(cast, open_session, client):
    sign_in(client, cast.leader)
    client.get(reverse("sessions:dashboard", args=[open_session.pk]))  # into the room
    url = reverse("sessions:dashboard_action", args=[open_session.pk])
    response = client.post(url, {"action": "backchannel", "text": SECRET}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["action"] == "backchannel"
    assert "Osprey-4471" not in every_row_as_text()


def test_the_dashboard_has_the_backchannel_and_the_room_does_not(cast, open_session, client):
    sign_in(client, cast.leader)
    assert "Leaders only" in client.get(reverse("sessions:dashboard", args=[open_session.pk])).content.decode()
    sign_in(client, cast.member)
    assert 'value="backchannel"' not in client.get(reverse("sessions:room", args=[open_session.pk])).content.decode()
