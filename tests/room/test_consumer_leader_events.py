"""Every leader event over the socket, and the shared inbox all leaders see."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from safeguarding.models import Concern, Removal
from sessions.models import GroupSession, RoomAlert, RoomParticipant
from tests.room.conftest import drain, joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_member(cast, membership_factory, user_factory):
    return membership_factory(cast.group, user_factory(display_name="Second Sam")).user


async def in_room(socket_for, cast, session, *more):
    leader = await joined(socket_for, cast.leader, session, expect="snapshot")
    co_leader = await joined(socket_for, cast.co_leader, session, expect="snapshot")
    member = await joined(socket_for, cast.member, session, expect="welcome")
    others = [await joined(socket_for, user, session, expect="welcome") for user in more]
    for communicator in (leader, co_leader, member, *others):
        await drain(communicator)
    return leader, co_leader, member, others


async def disconnect_all(*communicators):
    for communicator in communicators:
        await communicator.disconnect()


async def raise_hand(member, leader, *others) -> int:
    """Raise the member's hand; returns the alert's id once every socket has had its news (then drained)."""
    await member.send_json_to({"type": "raise_hand"})
    await receive_until(member, "done")
    alert_id = (await receive_until(leader, "alert"))["alert"]["id"]
    for communicator in (member, leader, *others):
        await drain(communicator)
    return alert_id


async def test_acknowledging_shows_every_leader_who_acknowledged(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    alert_id = await raise_hand(member, leader)
    await receive_until(co_leader, "alert")
    await co_leader.send_json_to({"type": "acknowledge", "alert": alert_id})
    assert (await receive_until(co_leader, "done"))["message"] == "Acknowledged by Co Leader."
    for communicator in (leader, co_leader):
        update = await receive_until(communicator, "alert")
        assert update["alert"]["acknowledged_by"] == "Co Leader"
    await disconnect_all(leader, co_leader, member)


async def test_second_acknowledgement_keeps_the_first_leaders_name(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    alert_id = await raise_hand(member, leader)
    await co_leader.send_json_to({"type": "acknowledge", "alert": alert_id})
    await receive_until(co_leader, "done")
    await leader.send_json_to({"type": "acknowledge", "alert": alert_id})
    assert (await receive_until(leader, "done"))["message"] == "Acknowledged by Co Leader."
    await disconnect_all(leader, co_leader, member)


async def test_acknowledging_an_alert_of_another_session_is_refused(socket_for, cast, open_session, session_factory):
    def alert_elsewhere():
        other = session_factory(cast.group, starts_in=timedelta(days=-7), status=GroupSession.Status.ENDED)
        return RoomAlert.objects.create(session=other, user=cast.member, kind=RoomAlert.Kind.HAND).pk

    alert_id = await database_sync_to_async(alert_elsewhere)()
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    await leader.send_json_to({"type": "acknowledge", "alert": alert_id})
    assert (await receive_until(leader, "error"))["code"] == "not_found"
    await leader.disconnect()


async def test_leader_lowers_one_members_hand_and_the_member_is_told(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await raise_hand(member, leader, co_leader)
    await leader.send_json_to({"type": "lower_hand", "user": cast.member.pk})
    await receive_until(leader, "done")
    update = await receive_until(co_leader, "alert")
    assert update["alert"]["lowered_by"] == "Leader Lee"
    state = await receive_until(member, "state")
    assert state["hand_raised"] is False
    assert state["message"] == "A leader has lowered your hand."
    await disconnect_all(leader, co_leader, member)


async def test_leader_lowers_all_hands(socket_for, cast, open_session, second_member):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await raise_hand(member, leader)
    await raise_hand(other, leader)
    await leader.send_json_to({"type": "lower_all_hands"})
    assert (await receive_until(leader, "done"))["message"] == "2 hand(s) lowered."
    assert await database_sync_to_async(RoomAlert.objects.raised_hands().count)() == 0
    assert (await receive_until(other, "state"))["hand_raised"] is False
    await disconnect_all(leader, co_leader, member, other)


async def test_private_reply_reaches_only_that_member_and_the_other_leaders(
    socket_for, cast, open_session, second_member
):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await leader.send_json_to({"type": "reply", "to": cast.member.pk, "text": "I'll message you after the session."})
    assert (await receive_until(leader, "done"))["message"] == "Your reply reached Member Mo."
    reply = await receive_until(member, "reply")
    assert reply == {
        "type": "reply",
        "session_id": open_session.pk,
        "from": "Leader Lee",
        "text": "I'll message you after the session.",
        "at": reply["at"],
    }
    sent = await receive_until(co_leader, "reply_sent")
    assert (sent["from"], sent["to"], sent["text"]) == (
        "Leader Lee",
        "Member Mo",
        "I'll message you after the session.",
    )
    assert await other.receive_nothing(timeout=0.2)
    await disconnect_all(leader, co_leader, member, other)


async def test_reply_to_a_member_who_is_not_connected_says_so(socket_for, cast, open_session):
    await database_sync_to_async(RoomParticipant.objects.create)(session=open_session, user=cast.member)
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    await leader.send_json_to({"type": "reply", "to": cast.member.pk, "text": "Are you OK?"})
    assert (await receive_until(leader, "error"))["code"] == "not_connected"
    await leader.disconnect()


async def test_removing_a_member_closes_their_socket_and_records_it_for_safeguarding(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to(
        {"type": "remove", "user": cast.member.pk, "reason": "offensive_language", "note": "Repeated slurs"}
    )
    assert "removed" in (await receive_until(leader, "done"))["message"]
    closed = await receive_until(member, "closed")
    assert closed["reason"] == "removed"
    assert "can't rejoin" in closed["message"]
    assert (await member.receive_output())["code"] == 4001
    update = await receive_until(co_leader, "participant")
    assert update["participant"]["status"] == "removed"

    removal = await database_sync_to_async(Removal.objects.get)()
    assert (removal.kind, removal.reasons, removal.session_id) == ("session", ["offensive_language"], open_session.pk)
    await disconnect_all(leader, co_leader, member)


async def test_removed_member_cannot_rejoin_this_session(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to({"type": "remove", "user": cast.member.pk, "reason": "talking_over"})
    await receive_until(member, "closed")
    await member.disconnect()
    again = await socket_for(cast.member, open_session, expect_connected=False)
    assert await again.receive_nothing()
    await disconnect_all(leader, co_leader, again)


async def test_removal_needs_a_reason(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to({"type": "remove", "user": cast.member.pk, "reason": "just because"})
    assert (await receive_until(leader, "error"))["code"] == "invalid_field"
    assert not await database_sync_to_async(Removal.objects.exists)()
    await disconnect_all(leader, co_leader, member)


async def test_leaders_cannot_remove_another_leader_from_the_session(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to({"type": "remove", "user": cast.co_leader.pk, "reason": "other"})
    assert (await receive_until(leader, "error"))["code"] == "not_found"
    await disconnect_all(leader, co_leader, member)


async def test_ending_the_session_closes_it_for_everyone(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to({"type": "end_session"})
    for communicator in (member, co_leader):
        await receive_until(communicator, "session_ended")
        assert (await communicator.receive_output())["code"] == 4002
    await open_session.arefresh_from_db()
    assert open_session.status == GroupSession.Status.ENDED
    await disconnect_all(leader, co_leader, member)


async def test_turning_the_chat_off_tells_everyone_and_stops_the_chat(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to({"type": "chat_toggle", "enabled": False})
    for communicator in (leader, co_leader, member):
        assert (await receive_until(communicator, "chat_state"))["enabled"] is False
    await member.send_json_to({"type": "chat", "text": "hello?"})
    assert (await receive_until(member, "error"))["code"] == "chat_off"

    await leader.send_json_to({"type": "chat_toggle", "enabled": True})
    assert (await receive_until(member, "chat_state"))["enabled"] is True
    await disconnect_all(leader, co_leader, member)


async def test_leader_turns_a_private_message_into_a_concern_and_the_member_is_told(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "message", "text": "I don't feel safe at home."})
    alert = await receive_until(leader, "alert")
    await drain(co_leader)
    await leader.send_json_to(
        {
            "type": "make_concern",
            "alert": alert["alert"]["id"],
            "text": alert["text"],
            "category": "risk_to_self",
            "risk_level": "high",
        }
    )
    await receive_until(leader, "done")
    recorded = await receive_until(member, "concern_recorded")
    assert "recorded what you shared" in recorded["message"]
    update = await receive_until(co_leader, "alert")
    assert update["alert"]["concern_recorded"] is True

    concern = await database_sync_to_async(Concern.objects.get)()
    assert concern.details == "I don't feel safe at home."
    assert (concern.about_user_id, concern.source, concern.session_id) == (cast.member.pk, "session", open_session.pk)
    await disconnect_all(leader, co_leader, member)


async def test_a_raised_hand_cannot_become_a_concern(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    alert_id = await raise_hand(member, leader)
    await leader.send_json_to(
        {"type": "make_concern", "alert": alert_id, "text": "x", "category": "other", "risk_level": "low"}
    )
    assert (await receive_until(leader, "error"))["code"] == "invalid_field"
    await disconnect_all(leader, co_leader, member)


async def test_leaders_get_a_welfare_prompt_once_someone_has_been_out_longer_than_the_threshold(
    socket_for, cast, open_session
):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "step_out"})
    await receive_until(member, "done")
    await database_sync_to_async(RoomParticipant.objects.filter(user=cast.member).update)(
        stepped_out_at=timezone.now() - timedelta(minutes=cast.group.welfare_threshold_minutes + 1)
    )
    await leader.send_json_to({"type": "ping"})
    prompt = await receive_until(co_leader, "alert")
    assert (prompt["alert"]["kind"], prompt["alert"]["name"]) == ("welfare", "Member Mo")

    await leader.send_json_to({"type": "ping"})  # once per time away, however many heartbeats
    await receive_until(leader, "pong")
    assert await database_sync_to_async(RoomAlert.objects.filter(kind="welfare").count)() == 1
    await disconnect_all(leader, co_leader, member)


async def test_no_welfare_prompt_before_the_threshold(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "step_out"})
    await receive_until(member, "done")
    await leader.send_json_to({"type": "ping"})
    await receive_until(leader, "pong")
    assert not await database_sync_to_async(RoomAlert.objects.filter(kind="welfare").exists)()
    await disconnect_all(leader, co_leader, member)


async def test_a_leaders_heartbeat_brings_the_whole_room_again(socket_for, cast, open_session):
    """An alert whose message never reached the dashboard (lost by the pub/sub layer) arrives with the next beat."""
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    lost = await database_sync_to_async(RoomAlert.objects.create)(
        session=open_session, user=cast.member, kind=RoomAlert.Kind.HAND
    )
    await leader.send_json_to({"type": "ping"})
    pong = await receive_until(leader, "pong")
    assert [a["id"] for a in pong["snapshot"]["alerts"]] == [lost.pk]
    await member.send_json_to({"type": "ping"})
    assert "snapshot" not in await receive_until(member, "pong")  # members' pages keep only their own state
    await disconnect_all(leader, co_leader, member)


async def test_leader_chat_is_not_held_back_by_the_word_list(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await leader.send_json_to({"type": "chat", "text": "Please don't mention ketamine here, thank you."})
    assert (await receive_until(member, "chat"))["from"] == "Leader Lee"
    await disconnect_all(leader, co_leader, member)
