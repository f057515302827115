"""Signing out, a disabled account or a new password close the person's room sockets (members/signals.py).

A socket re-checks the sign-in it was opened with (sessions.room.admission.check_signed_in): signing out in
another tab of the same browser closes it at once. The person's sign-in on another device is a
different sign-in and its sockets stay open (signing out on a shared computer should not cut off
someone's own phone). Removals closing sockets are tested in tests/safeguarding/test_removal_closes_socket.py
and tests/room/test_consumer_connect.py; across processes in tests/integration/.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.signals import user_logged_out
from django.test import Client
from django.urls import reverse

from peersupport.asgi import application
from tests.fixtures.factories import TEST_PASSWORD
from tests.room.conftest import ORIGIN, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """One browser: its own sign-in (a Django session), shared by all its tabs and sockets."""

    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)
        self.cookie = f"sessionid={self.client.cookies['sessionid'].value}".encode()

    async def open_room(self, session, *, expect: str = "welcome") -> WebsocketCommunicator:
        communicator = WebsocketCommunicator(
            application, f"/ws/sessions/{session.pk}/", headers=[ORIGIN, (b"cookie", self.cookie)]
        )
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == expect
        return communicator


async def browser(user) -> Browser:
    return await sync_to_async(Browser)(user)


async def assert_closed_for(socket, reason: str) -> None:
    closed = await receive_until(socket, "closed", timeout=3)
    assert closed["reason"] == reason
    assert closed["message"]
    assert (await socket.receive_output(timeout=3)) == {"type": "websocket.close", "code": 4001}


async def test_signing_out_in_another_tab_closes_the_room_socket(cast, open_session):
    laptop = await browser(cast.member)
    room_tab = await laptop.open_room(open_session)

    response = await sync_to_async(laptop.client.post)(reverse("account_logout"))  # in another tab
    assert response.status_code == 302

    await assert_closed_for(room_tab, "signed_out")
    await room_tab.disconnect()


async def test_the_closed_socket_cannot_come_back_with_the_old_cookie(cast, open_session):
    laptop = await browser(cast.member)
    room_tab = await laptop.open_room(open_session)
    await sync_to_async(laptop.client.post)(reverse("account_logout"))
    await assert_closed_for(room_tab, "signed_out")

    again = WebsocketCommunicator(
        application, f"/ws/sessions/{open_session.pk}/", headers=[ORIGIN, (b"cookie", laptop.cookie)]
    )
    connected, _ = await again.connect()
    assert connected is False
    await again.disconnect()
    await room_tab.disconnect()


async def test_positive_control_without_the_signal_the_socket_would_stay_open(cast, open_session):
    """The tests above can fail: with members/signals.py's receiver disconnected, nothing closes the socket."""
    laptop = await browser(cast.member)
    room_tab = await laptop.open_room(open_session)
    assert user_logged_out.disconnect(dispatch_uid="members.close_sockets_on_sign_out")
    try:
        await sync_to_async(laptop.client.post)(reverse("account_logout"))
        assert await room_tab.receive_nothing(timeout=0.5)
    finally:
        from members.signals import close_sockets_on_sign_out

        user_logged_out.connect(close_sockets_on_sign_out, dispatch_uid="members.close_sockets_on_sign_out")
    await room_tab.disconnect()


async def test_signing_out_leaves_the_persons_other_device_in_the_room(cast, open_session):
    laptop, phone = await browser(cast.member), await browser(cast.member)
    on_laptop = await laptop.open_room(open_session)
    on_phone = await phone.open_room(open_session)

    await sync_to_async(laptop.client.post)(reverse("account_logout"))

    await assert_closed_for(on_laptop, "signed_out")
    await on_phone.send_json_to({"type": "ping"})
    assert (await receive_until(on_phone, "pong"))["type"] == "pong"
    await on_phone.disconnect()
    await on_laptop.disconnect()


async def test_a_disabled_account_closes_every_socket_of_that_person(cast, open_session):
    laptop, phone = await browser(cast.member), await browser(cast.member)
    sockets = [await laptop.open_room(open_session), await phone.open_room(open_session)]

    def disable():
        cast.member.is_active = False
        cast.member.save(update_fields=["is_active"])

    await database_sync_to_async(disable)()

    for socket in sockets:
        await assert_closed_for(socket, "signed_out")
        await socket.disconnect()


async def test_a_trustee_disabling_the_account_in_the_admin_closes_the_socket(cast, open_session):
    phone = await browser(cast.member)
    socket = await phone.open_room(open_session)

    def disable_in_the_admin():
        admin = Client()
        admin.force_login(cast.trustee)
        url = reverse("admin:members_user_change", args=[cast.member.pk])
        form = admin.get(url).context["adminform"].form
        data = {name: value for name, value in form.initial.items() if value is not None and name != "is_active"}
        data["groups"] = [group.pk for group in data.get("groups", [])]
        data["user_permissions"] = []
        data["date_joined_0"], data["date_joined_1"] = cast.member.date_joined.strftime("%Y-%m-%d %H:%M:%S").split()
        return admin.post(url, data)

    response = await database_sync_to_async(disable_in_the_admin)()
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    await assert_closed_for(socket, "signed_out")
    await socket.disconnect()


async def test_a_new_password_closes_the_sockets_of_the_persons_other_sign_ins(cast, open_session):
    laptop, phone = await browser(cast.member), await browser(cast.member)
    on_phone = await phone.open_room(open_session)

    response = await sync_to_async(laptop.client.post)(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": "a-brand-new-password-2", "password2": "a-brand-new-password-2"},
    )
    assert response.status_code == 302

    await assert_closed_for(on_phone, "signed_out")
    await on_phone.disconnect()


async def test_a_leader_signing_out_closes_the_dashboard_socket_too(cast, open_session):
    office = await browser(cast.leader)
    dashboard = await office.open_room(open_session, expect="snapshot")
    await sync_to_async(office.client.post)(reverse("account_logout"))
    await assert_closed_for(dashboard, "signed_out")
    await dashboard.disconnect()
