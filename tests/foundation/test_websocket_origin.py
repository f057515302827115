"""Websockets from another site are refused before any consumer runs (cross-site websocket hijacking)."""

import pytest
from channels.testing import WebsocketCommunicator

from peersupport.asgi import application


@pytest.fixture
def member_cookie(client, cast) -> bytes:
    client.force_login(cast.member)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.mark.parametrize(
    "origin",
    [b"https://evil.example", b"null", b"http://127.0.0.1.evil.example", None],
    ids=["foreign", "null", "lookalike", "missing"],
)
@pytest.mark.django_db(transaction=True)
async def test_websocket_from_a_foreign_origin_is_refused(origin, member_cookie):
    headers = [(b"cookie", member_cookie)]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/sessions/1/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected is False
    await communicator.disconnect()
