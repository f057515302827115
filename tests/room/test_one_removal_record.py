"""One record of a removal (issue 14): the admin, the leaders' safeguarding page and the dashboard's socket command
each make one `Removal` with one audit entry, and nothing else that has to be kept in step with it. Each closes
the person's open room socket (a real socket through the ASGI app), and each is refused when they come back: at
the room's socket and at the video call's credential (the fake LiveKit server on loopback)."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from groups.models import Membership
from safeguarding.models import Removal
from sessions.room.models import RoomParticipant
from tests.room.conftest import drain, joined, receive_until
from tests.video.fake_livekit import FakeLiveKit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake_livekit(settings):
    fake = FakeLiveKit().start()
    settings.VIDEO_PROVIDER = "livekit"
    settings.LIVEKIT_URL = fake.url
    settings.LIVEKIT_API_KEY = fake.api_key
    settings.LIVEKIT_API_SECRET = fake.api_secret
    settings.VIDEO_API_TIMEOUT_SECONDS = 1
    yield fake
    fake.stop()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def credential_status(user, session) -> int:
    url = reverse("sessions:call_credential", args=[session.pk])
    return signed_in(user).post(url, HTTP_ACCEPT="application/json").status_code


def remove_in_the_admin(cast, session) -> None:
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    response = signed_in(cast.trustee).post(
        reverse("admin:safeguarding_removal_add"),
        {"membership": membership.pk, "kind": "permanent", "reasons": ["risk_to_members"], "note": "Board agreed"},
    )
    assert response.status_code == 302


def remove_on_the_leaders_page(cast, session) -> None:
    until = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(cast.leader).post(
        reverse("safeguarding:remove_member", args=[cast.group.slug, cast.member.pk]),
        {"kind": "temporary", "until": until, "reasons": ["talking_over"], "note": ""},
    )
    assert response.status_code == 302


def admitted(session, user) -> None:
    RoomParticipant.objects.filter(session=session, user=user).update(admitted_at=timezone.now())


@pytest.mark.parametrize("where", ["admin", "leaders_page", "dashboard_socket"])
async def test_a_removal_is_one_record_closes_the_socket_and_is_refused_everywhere(
    socket_for, cast, open_session, fake_livekit, where
):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await drain(leader)
    await database_sync_to_async(admitted)(open_session, cast.member)
    assert await sync_to_async(credential_status)(cast.member, open_session) == 200
    audited_before = await database_sync_to_async(lambda: set(AuditEvent.objects.values_list("pk", flat=True)))()

    if where == "admin":
        await sync_to_async(remove_in_the_admin)(cast, open_session)
    elif where == "leaders_page":
        await sync_to_async(remove_on_the_leaders_page)(cast, open_session)
    else:
        await leader.send_json_to({"type": "remove", "user": cast.member.pk, "reason": "talking_over"})
        assert "removed" in (await receive_until(leader, "done"))["message"]

    closed = await receive_until(member, "closed", timeout=3)
    assert closed["reason"] in {"removed", "forbidden"}
    assert (await member.receive_output(timeout=3))["type"] == "websocket.close"

    def records():
        removals = list(Removal.objects.values_list("membership__user_id", "decided_by_id"))
        entries = list(AuditEvent.objects.exclude(pk__in=audited_before).values_list("action", "subject_id"))
        return removals, entries, Removal.objects.get().pk

    removals, entries, removal_pk = await database_sync_to_async(records)()
    actor = cast.trustee if where == "admin" else cast.leader
    assert removals == [(cast.member.pk, actor.pk)]
    removal_entries = [entry for entry in entries if entry[0].startswith("safeguarding.removal")]
    assert removal_entries == [("safeguarding.removal.created", str(removal_pk))]
    # The room keeps no mark of its own that would have to agree with the Removal.
    assert not {"removed_at", "removed_by"} & {field.name for field in RoomParticipant._meta.get_fields()}

    again = await socket_for(cast.member, open_session, expect_connected=False)
    await again.disconnect()
    assert await sync_to_async(credential_status)(cast.member, open_session) == 403
    await leader.disconnect()
    await member.disconnect()
