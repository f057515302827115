"""The waiting room: members wait until a leader lets them in (one by one, or everyone), and are told."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from core import live
from sessions.models import RoomParticipant
from tests.fixtures.factories import removed_from_session

JSON = {"HTTP_ACCEPT": "application/json"}


def act(client, session, **data):
    return client.post(reverse("sessions:dashboard_action", args=[session.pk]), data, **JSON)


def credential(client, session):
    return client.post(reverse("sessions:call_credential", args=[session.pk]), **JSON)


@pytest.fixture
def inbox(in_memory_layer):
    """inbox(group) -> read() of what that channel group receives."""
    layer = get_channel_layer()

    def listen(group: str):
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channel)

        def read():
            queue = layer.channels.get(channel)
            messages = []
            while queue and not queue.empty():
                messages.append(async_to_sync(layer.receive)(channel).get("payload"))
            return messages

        return read

    return listen


def test_the_waiting_room_is_on_for_new_groups(group_factory):
    assert group_factory("New group").waiting_room is True


def test_a_leader_lets_one_member_in_and_they_hear_it(
    fake_livekit, cast, open_session, in_room, auth_client, inbox, membership_factory, user_factory
):
    other = membership_factory(cast.group, user_factory(display_name="Other Oli")).user
    in_room(open_session, cast.leader)
    in_room(open_session, cast.member)
    in_room(open_session, other)
    member_hears = inbox(live.user_group(cast.member.pk))
    assert credential(auth_client(cast.member), open_session).json()["code"] == "waiting"

    response = act(auth_client(cast.leader), open_session, action="admit", user=cast.member.pk)
    assert response.json() == {"type": "done", "action": "admit", "message": "Member Mo can join the call now."}
    participant = RoomParticipant.objects.get(session=open_session, user=cast.member)
    assert participant.admitted_by == cast.leader and participant.admitted_at is not None
    assert [m["type"] for m in member_hears()] == ["call_admitted"]
    assert credential(auth_client(cast.member), open_session).status_code == 200
    # The other member still waits.
    assert credential(auth_client(other), open_session).json()["code"] == "waiting"


def test_a_leader_lets_everyone_waiting_in(
    fake_livekit, cast, open_session, in_room, auth_client, membership_factory, user_factory
):
    others = [membership_factory(cast.group, user_factory()).user for _ in range(3)]
    for person in [cast.leader, cast.member, *others]:
        in_room(open_session, person)
    response = act(auth_client(cast.leader), open_session, action="admit_all")
    assert response.json()["message"] == "Everyone waiting can join the call now."
    assert not RoomParticipant.objects.filter(session=open_session, is_leader=False, admitted_at__isnull=True).exists()
    for person in [cast.member, *others]:
        assert credential(auth_client(person), open_session).status_code == 200


def test_the_dashboard_snapshot_says_who_is_waiting(fake_livekit, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.leader)
    in_room(open_session, cast.member)
    snapshot = auth_client(cast.leader).get(reverse("sessions:dashboard_snapshot", args=[open_session.pk])).json()
    admitted = {p["name"]: p["admitted"] for p in snapshot["participants"]}
    assert admitted == {"Leader Lee": True, "Member Mo": False}


def test_members_cannot_let_anyone_in(fake_livekit, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.member)
    for data in ({"action": "admit", "user": cast.member.pk}, {"action": "admit_all"}):
        assert act(auth_client(cast.member), open_session, **data).status_code == 403
    assert RoomParticipant.objects.get(session=open_session, user=cast.member).admitted_at is None


def test_someone_removed_cannot_be_let_in(fake_livekit, cast, open_session, in_room, auth_client):
    from django.utils import timezone

    in_room(open_session, cast.leader)
    in_room(open_session, cast.member)
    RoomParticipant.objects.filter(user=cast.member).update(left_at=timezone.now())
    removed_from_session(open_session, cast.member)
    response = act(auth_client(cast.leader), open_session, action="admit", user=cast.member.pk)
    assert response.json()["type"] == "error"
    assert RoomParticipant.objects.get(user=cast.member).admitted_at is None


def test_the_member_page_says_they_are_waiting(fake_livekit, cast, open_session, auth_client):
    page = auth_client(cast.member).get(reverse("sessions:room", args=[open_session.pk])).content.decode()
    assert 'data-waiting="true"' in page
    assert "A leader will let you in shortly" in page
