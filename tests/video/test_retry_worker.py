"""A removal the call's server missed is retried by a real Celery worker until the server takes it
(integration run: Redis broker, PostgreSQL, `celery worker`, the fake LiveKit server on loopback)."""

import time

import pytest
from django.urls import reverse

from sessions.models import RoomParticipant
from sessions.video import identity_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(fake_livekit, monkeypatch, request):
    """The worker process gets the same video settings as this one (it reads them from its environment)."""
    monkeypatch.setenv("VIDEO_PROVIDER", "livekit")
    monkeypatch.setenv("LIVEKIT_URL", fake_livekit.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", fake_livekit.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", fake_livekit.api_secret)
    return request.getfixturevalue("celery_worker_process")


def test_a_removal_made_while_the_call_server_was_down_reaches_it_once_it_is_back(
    fake_livekit, worker, cast, open_session, in_room, client
):
    in_room(open_session, cast.leader)
    in_room(open_session, cast.member, admitted=True)
    member = identity_for(open_session.pk, cast.member.pk)
    fake_livekit.join(open_session.video_room, member)
    fake_livekit.stop()

    client.force_login(cast.leader)
    response = client.post(
        reverse("sessions:dashboard_action", args=[open_session.pk]),
        {"action": "remove", "user": cast.member.pk, "reason": "complaint"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["type"] == "done"
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).status == "removed"

    fake_livekit.start()  # back, on the same port
    deadline = time.monotonic() + 40
    while member in fake_livekit.in_room(open_session.video_room) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert member not in fake_livekit.in_room(open_session.video_room), worker.log()
    assert [c.request["identity"] for c in fake_livekit.calls_of("RemoveParticipant")] == [member]
