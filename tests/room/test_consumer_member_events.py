"""Every member event over the socket: what the member sees, what the leaders see, what nobody else sees."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from sessions.models import Attendance, RoomAlert, RoomParticipant
from tests.room.conftest import drain, joined, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_member(cast, membership_factory, user_factory):
    return membership_factory(cast.group, user_factory(display_name="Second Sam")).user


async def in_room(socket_for, cast, session, *more):
    """Leader, co-leader and member connected, their opening messages read."""
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


async def test_raised_hand_reaches_every_leader_and_no_other_member(socket_for, cast, open_session, second_member):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await member.send_json_to({"type": "raise_hand"})
    done = await receive_until(member, "done")
    assert done["state"]["hand_raised"] is True
    for communicator in (leader, co_leader):
        alert = await receive_until(communicator, "alert")
        assert alert["alert"]["kind"] == "hand"
        assert alert["alert"]["name"] == "Member Mo"
        assert alert["alert"]["created_at"]  # a server timestamp
    assert await other.receive_nothing(timeout=0.2)
    await disconnect_all(leader, co_leader, member, other)


async def test_hands_are_kept_in_the_order_they_went_up(socket_for, cast, open_session, second_member):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await other.send_json_to({"type": "raise_hand"})
    await receive_until(other, "done")
    await member.send_json_to({"type": "raise_hand"})
    await receive_until(member, "done")
    hands = await database_sync_to_async(
        lambda: list(RoomAlert.objects.raised_hands().filter(session=open_session).values_list("user_id", flat=True))
    )()
    assert hands == [second_member.pk, cast.member.pk]
    await disconnect_all(leader, co_leader, member, other)


async def test_raising_a_hand_twice_keeps_one_hand_up(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    for _ in range(2):
        await member.send_json_to({"type": "raise_hand"})
        await receive_until(member, "done")
    assert await database_sync_to_async(RoomAlert.objects.filter(kind="hand").count)() == 1
    await disconnect_all(leader, co_leader, member)


async def test_member_lowers_their_own_hand(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "raise_hand"})
    await receive_until(member, "done")
    await receive_until(leader, "alert")
    await member.send_json_to({"type": "lower_hand"})
    done = await receive_until(member, "done")
    assert done["state"]["hand_raised"] is False
    update = await receive_until(leader, "alert")
    assert update["alert"]["lowered_at"] is not None
    assert update["alert"]["lowered_by"] == "Member Mo"
    await disconnect_all(leader, co_leader, member)


async def test_member_cannot_lower_someone_elses_hand(socket_for, cast, open_session, second_member):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await other.send_json_to({"type": "raise_hand"})
    await receive_until(other, "done")
    await member.send_json_to({"type": "lower_hand", "user": second_member.pk})
    error = await receive_until(member, "error")
    assert error["code"] == "forbidden"
    assert await database_sync_to_async(RoomAlert.objects.raised_hands().count)() == 1
    await disconnect_all(leader, co_leader, member, other)


async def test_private_message_reaches_every_leader_with_its_text_and_no_other_member(
    socket_for, cast, open_session, second_member
):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await member.send_json_to({"type": "message", "text": "Could someone check in with me after?"})
    assert (await receive_until(member, "done"))["message"] == "Your message reached the leaders."
    for communicator in (leader, co_leader):
        alert = await receive_until(communicator, "alert")
        assert alert["alert"]["kind"] == "message"
        assert alert["text"] == "Could someone check in with me after?"
    assert await other.receive_nothing(timeout=0.2)
    await disconnect_all(leader, co_leader, member, other)


async def test_private_message_with_no_leader_connected_is_refused_and_not_kept(socket_for, cast, open_session):
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await member.send_json_to({"type": "message", "text": "Is anyone there?"})
    error = await receive_until(member, "error")
    assert error["code"] == "no_leader"
    assert "not delivered" in error["message"]
    assert not await database_sync_to_async(RoomAlert.objects.exists)()
    await member.disconnect()


async def test_stepping_out_and_back_shows_on_the_leaders_roster(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "step_out"})
    assert (await receive_until(member, "done"))["state"]["stepped_out"] is True
    update = await receive_until(leader, "participant")
    assert update["participant"]["status"] == "stepped_out"
    assert update["participant"]["stepped_out_at"]

    await member.send_json_to({"type": "back"})
    assert (await receive_until(member, "done"))["state"]["stepped_out"] is False
    update = await receive_until(leader, "participant")
    assert update["participant"]["status"] == "present"
    assert update["participant"]["stepped_out_at"] is None
    await disconnect_all(leader, co_leader, member)


async def test_found_that_triggering_goes_to_the_leaders_with_its_note(socket_for, cast, open_session, second_member):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await member.send_json_to({"type": "triggered", "note": "The part about hospitals"})
    await receive_until(member, "done")
    alert = await receive_until(leader, "alert")
    assert alert["alert"]["kind"] == "triggered"
    assert alert["alert"]["had_note"] is True
    assert alert["text"] == "The part about hospitals"
    assert await other.receive_nothing(timeout=0.2)
    await disconnect_all(leader, co_leader, member, other)


async def test_found_that_triggering_needs_no_note(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "triggered"})
    await receive_until(member, "done")
    alert = await receive_until(leader, "alert")
    assert alert["alert"]["had_note"] is False
    assert "text" not in alert
    await disconnect_all(leader, co_leader, member)


async def test_pass_is_a_quiet_note_on_the_roster_and_never_an_alert(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "pass"})
    assert (await receive_until(member, "done"))["state"]["passing"] is True
    update = await receive_until(leader, "participant")
    assert update["participant"]["passing"] is True
    assert not await database_sync_to_async(RoomAlert.objects.exists)()
    await disconnect_all(leader, co_leader, member)


async def test_raising_a_hand_after_passing_clears_the_pass(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "pass"})
    await receive_until(member, "done")
    await member.send_json_to({"type": "raise_hand"})
    assert (await receive_until(member, "done"))["state"]["passing"] is False
    await disconnect_all(leader, co_leader, member)


async def test_leaving_with_a_check_in_tells_the_leaders_and_closes_the_socket(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "leave", "choice": "contact", "note": "Not a great day"})
    assert (await receive_until(member, "done"))["action"] == "leave"
    assert await member.receive_output() == {"type": "websocket.close", "code": 4003}
    alert = await receive_until(leader, "alert")
    assert alert["alert"]["kind"] == "check_in"
    assert alert["alert"]["check_in"] == "contact"
    assert alert["alert"]["check_in_label"] == "I'd like someone to contact me"
    assert alert["text"] == "Not a great day"
    participant = await database_sync_to_async(RoomParticipant.objects.get)(session=open_session, user=cast.member)
    assert participant.status == "left"
    await disconnect_all(leader, co_leader, member)


async def test_leaving_closes_the_members_other_tabs_too(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    second_tab = await joined(socket_for, cast.member, open_session, expect="welcome")
    await member.send_json_to({"type": "leave", "choice": "ok"})
    await receive_until(second_tab, "left")
    assert await second_tab.receive_output() == {"type": "websocket.close", "code": 4003}
    await disconnect_all(leader, co_leader, member, second_tab)


async def test_check_in_with_something_else_needs_a_few_words(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "leave", "choice": "note"})
    assert (await receive_until(member, "error"))["code"] == "invalid_field"
    await disconnect_all(leader, co_leader, member)


async def test_closing_the_tab_without_a_check_in_still_tells_the_leaders(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.disconnect()
    update = await receive_until(leader, "participant")
    assert update["participant"]["status"] == "left"
    assert update["participant"]["left_without_check_in"] is True  # on the roster, not as an inbox card
    assert not [m for m in await drain(leader) if m["type"] == "alert"]
    assert (
        await database_sync_to_async(
            Attendance.objects.filter(session=open_session, user=cast.member, left_at__isnull=True).exists
        )()
        is False
    )
    await disconnect_all(leader, co_leader)


async def test_closing_one_of_two_tabs_does_not_count_as_leaving(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    second_tab = await joined(socket_for, cast.member, open_session, expect="welcome")
    await drain(leader)
    await second_tab.disconnect()
    assert await leader.receive_nothing(timeout=0.3)
    await disconnect_all(leader, co_leader, member)


async def test_coming_back_after_a_dropped_connection_clears_the_left_alert(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.disconnect()
    await receive_until(leader, "participant")
    again = await joined(socket_for, cast.member, open_session, expect="welcome")
    left_alert = await database_sync_to_async(RoomAlert.objects.get)(kind=RoomAlert.Kind.LEFT)
    assert left_alert.lowered_at is not None
    await disconnect_all(leader, co_leader, again)


async def test_group_chat_reaches_everyone_in_the_room(socket_for, cast, open_session, second_member):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await member.send_json_to({"type": "chat", "text": "Thanks for sharing that, it helped."})
    for communicator in (leader, co_leader, member, other):
        chat = await receive_until(communicator, "chat")
        assert chat["text"] == "Thanks for sharing that, it helped."
        assert chat["from"] == "Member Mo"
        assert chat["at"]
    await disconnect_all(leader, co_leader, member, other)


async def test_chat_message_matching_the_word_list_is_held_back_for_the_leaders_only(
    socket_for, cast, open_session, second_member
):
    leader, co_leader, member, [other] = await in_room(socket_for, cast, open_session, second_member)
    await member.send_json_to({"type": "chat", "text": "Has anyone tried Magic  Mushrooms for this?"})
    done = await receive_until(member, "done")
    assert done["action"] == "chat_held"
    assert "wasn't shared" in done["message"]
    alert = await receive_until(leader, "alert")
    assert alert["alert"]["kind"] == "held_chat"
    assert alert["alert"]["matched_word"] == "magic mushrooms"
    assert alert["text"] == "Has anyone tried Magic  Mushrooms for this?"
    assert all(m["type"] != "chat" for m in await drain(other))
    assert all(m["type"] != "chat" for m in await drain(member))
    await disconnect_all(leader, co_leader, member, other)


async def test_word_list_matches_whole_words_only(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "chat", "text": "My psychologist said it was fine"})  # "psycho" is listed
    assert (await receive_until(member, "chat"))["text"] == "My psychologist said it was fine"
    await disconnect_all(leader, co_leader, member)


async def test_chat_is_refused_kindly_when_the_leaders_turned_it_off(socket_for, cast, open_session):
    open_session.chat_enabled = False
    await database_sync_to_async(open_session.save)(update_fields=["chat_enabled"])
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await member.send_json_to({"type": "chat", "text": "hello?"})
    error = await receive_until(member, "error")
    assert error["code"] == "chat_off"
    await member.disconnect()


async def test_heartbeat_is_answered_and_keeps_the_connection_fresh(socket_for, cast, open_session):
    from sessions.models import RoomConnection

    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    await database_sync_to_async(RoomConnection.objects.update)(seen_at=timezone.now() - timedelta(minutes=1))
    await member.send_json_to({"type": "ping"})
    assert (await receive_until(member, "pong"))["type"] == "pong"
    connection = await database_sync_to_async(RoomConnection.objects.get)()
    assert timezone.now() - connection.seen_at < timedelta(seconds=5)
    await member.disconnect()


async def test_member_sees_when_a_leader_has_seen_their_hand(socket_for, cast, open_session):
    leader, co_leader, member, _ = await in_room(socket_for, cast, open_session)
    await member.send_json_to({"type": "raise_hand"})
    alert = await receive_until(leader, "alert")
    await leader.send_json_to({"type": "acknowledge", "alert": alert["alert"]["id"]})
    seen = await receive_until(member, "seen")
    assert seen["message"] == "A leader has seen your raised hand."
    await disconnect_all(leader, co_leader, member)
