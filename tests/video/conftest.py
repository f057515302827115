"""Fixtures for the video call: a fake LiveKit server on loopback (tests/video/fake_livekit.py), configured as
the deployment's provider, and an open session whose room people have come into."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from core import live
from sessions.models import GroupSession
from tests.video.fake_livekit import FakeLiveKit


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@pytest.fixture
def fake_livekit(settings):
    """A running fake LiveKit server, set as VIDEO_PROVIDER=livekit with its key pair. Stopped afterwards."""
    fake = FakeLiveKit().start()
    settings.VIDEO_PROVIDER = "livekit"
    settings.LIVEKIT_URL = fake.url
    settings.LIVEKIT_API_KEY = fake.api_key
    settings.LIVEKIT_API_SECRET = fake.api_secret
    settings.VIDEO_API_TIMEOUT_SECONDS = 1
    yield fake
    fake.stop()


@pytest.fixture
def open_session(cast, session_factory) -> GroupSession:
    return session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)


@pytest.fixture
def in_room():
    """in_room(session, user, admitted=False) -> the person has opened the room page (and maybe been let in)."""
    from django.utils import timezone

    from groups.models import Membership
    from sessions.room import presence

    def enter(session, user, *, admitted: bool = False):
        membership = Membership.objects.get(group=session.group, user=user)
        membership.user = user
        presence.enter(session, membership)
        if admitted:
            session.participants.filter(user=user).update(admitted_at=timezone.now())

    return enter


@pytest.fixture
def in_memory_layer(settings):
    """The in-memory channel layer, for tests that listen on a channel group themselves: Redis's pub/sub layer
    only lets a group take channels made in its own event loop (what the app sends is the same either way)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


JITSI_DOMAIN = "meet.example.test"


@pytest.fixture
def jitsi(settings):
    """VIDEO_PROVIDER=jitsi for a self-hosted Jitsi Meet at JITSI_DOMAIN with a JWT app id and secret. Nothing
    is listening there: Jitsi has no server API of ours to call, and the browser tests serve a double instead."""
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_DOMAIN = JITSI_DOMAIN
    settings.JITSI_APP_ID = "peersupport-test"
    settings.JITSI_APP_SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"
    return settings


JAAS_APP_ID = "vpaas-magic-cookie-0123456789abcdef0123456789abcdef"
JAAS_KEY_ID = f"{JAAS_APP_ID}/a1b2c3"


@pytest.fixture(scope="session")
def jaas_key():
    """An RSA key pair made here, as the JaaS console makes one (the charity keeps the private key)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_of(key) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def jaas(settings, jaas_key):
    """VIDEO_PROVIDER=jitsi through 8x8 JaaS: the app id set, with its key id and the private key's PEM text."""
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_DOMAIN = ""
    settings.JITSI_APP_ID = ""
    settings.JITSI_APP_SECRET = ""
    settings.JITSI_JAAS_APP_ID = JAAS_APP_ID
    settings.JITSI_JAAS_KEY_ID = JAAS_KEY_ID
    settings.JITSI_JAAS_PRIVATE_KEY = pem_of(jaas_key)
    return settings


@pytest.fixture
def leaders_inbox(open_session, in_memory_layer):
    """What the session's leaders' sockets receive (a channel of our own in their group)."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.leaders_group(open_session.pk), channel)

    def read() -> list[dict]:
        received = []
        while True:
            try:
                message = async_to_sync(layer.receive)(channel) if _pending(layer, channel) else None
            except Exception:
                message = None
            if message is None:
                return received
            received.append(message.get("payload", message))

    return read


def _pending(layer, channel) -> bool:
    """Whether the in-memory layer holds a message for the channel (receive() would wait forever otherwise)."""
    queue = getattr(layer, "channels", {}).get(channel)
    return bool(queue) and not queue.empty()
