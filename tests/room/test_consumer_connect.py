"""Connecting to the room's socket: who is refused before accept, and what the accepted get first."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from channels.db import database_sync_to_async
from django.utils import timezone

from groups.models import GuidelinesVersion, Membership
from sessions.models import GroupSession, RoomAlert, RoomParticipant
from tests.fixtures.factories import removed_from_session
from tests.room.conftest import joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def assert_refused(socket_for, user, session, **options):
    communicator = await socket_for(user, session, expect_connected=False, **options)
    assert await communicator.receive_nothing()
    await communicator.disconnect()


# --- refusals, one per rule -----------------------------------------------------------------------


async def test_anonymous_visitor_is_refused(socket_for, open_session):
    await assert_refused(socket_for, None, open_session)


async def test_outsider_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.outsider, open_session)


async def test_leader_of_another_group_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.other_leader, open_session)


async def test_trustee_who_is_not_in_the_group_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.trustee, open_session)


async def test_pending_member_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.pending, open_session)


async def test_suspended_member_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.suspended, open_session)


async def test_member_removed_from_the_group_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.removed, open_session)


async def test_member_who_has_not_agreed_to_the_current_guidelines_is_refused(socket_for, cast, open_session):
    await database_sync_to_async(GuidelinesVersion.objects.create)(group=cast.group, number=2)
    await assert_refused(socket_for, cast.member, open_session)


async def test_member_removed_from_this_session_is_refused(socket_for, cast, open_session):
    await database_sync_to_async(RoomParticipant.objects.create)(
        session=open_session, user=cast.member, left_at=timezone.now()
    )
    await database_sync_to_async(removed_from_session)(open_session, cast.member)
    await assert_refused(socket_for, cast.member, open_session)


@pytest.mark.parametrize("status", [GroupSession.Status.SCHEDULED, GroupSession.Status.ENDED])
async def test_socket_is_refused_while_the_session_is_not_open(socket_for, cast, open_session, status):
    open_session.status = status
    await database_sync_to_async(open_session.save)(update_fields=["status"])
    await assert_refused(socket_for, cast.member, open_session)


async def test_socket_from_a_foreign_origin_is_refused(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.member, open_session, origin=(b"origin", b"https://evil.example"))


async def test_leader_without_two_step_verification_is_refused(socket_for, cast, open_session):
    await database_sync_to_async(Authenticator.objects.filter(user=cast.leader).delete)()
    await assert_refused(socket_for, cast.leader, open_session)


async def test_refused_socket_leaves_no_trace_in_the_room(socket_for, cast, open_session):
    await assert_refused(socket_for, cast.outsider, open_session)
    assert not await database_sync_to_async(RoomParticipant.objects.filter(user=cast.outsider).exists)()


# --- accepted ------------------------------------------------------------------------------------


async def test_member_is_welcomed_with_their_own_state(socket_for, cast, open_session):
    member = await socket_for(cast.member, open_session)
    welcome = await member.receive_json_from()
    assert welcome == {
        "type": "welcome",
        "session_id": open_session.pk,
        "status": "present",
        "hand_raised": False,
        "stepped_out": False,
        "passing": False,
        "chat_enabled": True,
    }
    await member.disconnect()


async def test_member_coming_in_is_present_for_the_leaders(socket_for, cast, open_session):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    update = await receive_until(leader, "participant")
    while update["participant"]["user_id"] != cast.member.pk:
        update = await receive_until(leader, "participant")
    assert update["participant"]["status"] == "present"
    await member.disconnect()
    await leader.disconnect()


async def test_leader_connecting_gets_a_snapshot_of_the_room(socket_for, cast, open_session):
    def set_the_scene():
        RoomParticipant.objects.create(session=open_session, user=cast.member)
        RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND)

    await database_sync_to_async(set_the_scene)()
    leader = await socket_for(cast.leader, open_session)
    snapshot = await leader.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["session"]["id"] == open_session.pk
    assert {p["name"]: p["status"] for p in snapshot["participants"]} == {
        "Member Mo": "present",
        "Leader Lee": "present",
    }
    assert [(a["kind"], a["name"]) for a in snapshot["alerts"]] == [("hand", "Member Mo")]
    assert "Co Leader" in [p["name"] for p in snapshot["to_arrive"]]
    await leader.disconnect()


async def test_reconnecting_leader_gets_hands_raised_while_they_were_away(socket_for, cast, open_session):
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    await leader.disconnect()
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await member.send_json_to({"type": "raise_hand"})
    await receive_until(member, "done")

    again = await socket_for(cast.leader, open_session)
    snapshot = await again.receive_json_from()
    assert [a["kind"] for a in snapshot["alerts"] if not a["lowered_at"]] == ["hand"]
    await member.disconnect()
    await again.disconnect()


# --- access taken away mid-session ---------------------------------------------------------------


async def test_removal_from_the_group_during_the_session_closes_the_members_socket_at_once(
    socket_for, cast, open_session
):
    from safeguarding.removals import remove_member

    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    membership = await database_sync_to_async(Membership.objects.get)(user=cast.member, group=cast.group)
    await database_sync_to_async(remove_member)(
        membership, actor=cast.leader, kind="permanent", reasons=["offensive_language"]
    )
    closed = await receive_until(member, "closed")
    assert closed["reason"] == "forbidden"
    assert (await member.receive_output())["type"] == "websocket.close"
    await member.disconnect()


async def test_suspension_during_the_session_closes_the_members_socket_at_once(socket_for, cast, open_session):
    from core import live

    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    def suspend():
        Membership.objects.get(user=cast.member, group=cast.group).set_status(Membership.Status.SUSPENDED)
        live.close_user_sockets(cast.member.pk, reason="suspended")

    await database_sync_to_async(suspend)()
    await receive_until(member, "closed")
    assert (await member.receive_output())["type"] == "websocket.close"
    await member.disconnect()


async def test_leaving_the_group_in_another_tab_closes_the_members_socket_at_once(socket_for, cast, open_session):
    from groups.services import leave_group

    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    membership = await database_sync_to_async(Membership.objects.get)(user=cast.member, group=cast.group)
    await database_sync_to_async(leave_group)(membership)
    closed = await receive_until(member, "closed")
    assert closed["reason"] == "forbidden"
    assert (await member.receive_output())["type"] == "websocket.close"
    await member.disconnect()


async def test_suspended_member_who_still_has_a_socket_is_refused_on_their_next_action(socket_for, cast, open_session):
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await database_sync_to_async(Membership.objects.filter(user=cast.member, group=cast.group).update)(
        status=Membership.Status.SUSPENDED
    )
    await member.send_json_to({"type": "raise_hand"})
    closed = await receive_until(member, "closed")
    assert closed["reason"] == "forbidden"
    assert not await database_sync_to_async(RoomAlert.objects.exists)()
    await member.disconnect()


async def test_closing_sockets_for_a_removal_elsewhere_leaves_this_room_open(
    socket_for, cast, open_session, membership_factory
):
    from core import live

    await database_sync_to_async(membership_factory)(cast.other_group, cast.member)
    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    def removed_from_the_other_group():
        Membership.objects.filter(user=cast.member, group=cast.other_group).update(status=Membership.Status.REMOVED)
        live.close_user_sockets(cast.member.pk, reason="removed")

    await database_sync_to_async(removed_from_the_other_group)()
    assert await member.receive_nothing(timeout=0.3)
    await member.send_json_to({"type": "raise_hand"})
    assert (await receive_until(member, "done"))["action"] == "raise_hand"
    await member.disconnect()


async def test_session_ending_says_goodbye_and_closes_every_socket(socket_for, cast, open_session):
    from sessions.services import end_session

    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await database_sync_to_async(end_session)(open_session, actor=cast.leader)
    for communicator in (member, leader):
        ended = await receive_until(communicator, "session_ended")
        assert "ended" in ended["message"]
    await member.disconnect()
    await leader.disconnect()


async def test_stale_connection_rows_from_a_crashed_process_do_not_keep_someone_present(socket_for, cast, open_session):
    from sessions.models import RoomConnection

    member = await joined(socket_for, cast.member, open_session, expect="welcome")

    def crashed_process_left_a_row():
        participant = RoomParticipant.objects.get(session=open_session, user=cast.member)
        RoomConnection.objects.create(
            participant=participant, channel_name="gone!abc", seen_at=timezone.now() - timedelta(minutes=5)
        )

    await database_sync_to_async(crashed_process_left_a_row)()
    await member.disconnect()
    participant = await database_sync_to_async(RoomParticipant.objects.get)(session=open_session, user=cast.member)
    assert participant.left_at is not None
