"""The room's rules in sessions/room/ (actions, protocol), without a socket in between."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from core import live
from groups.models import Membership
from groups.wordlist import matched_word
from sessions.models import RoomAlert, RoomConnection, RoomParticipant
from sessions.room import admission, leader_actions, member_actions, presence
from sessions.room.protocol import ProtocolError, TokenBucket, parse, refuse_wrong_role

WORDS = ["ketamine", "magic mushrooms", "psycho"]


# --- the word list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I tried ketamine once", "ketamine"),
        ("KETAMINE!", "ketamine"),
        ("(ketamine)", "ketamine"),
        ("magic   mushrooms helped", "magic mushrooms"),
        ("Magic\nMushrooms", "magic mushrooms"),
        ("my psychologist", None),
        ("ketamines", "ketamine"),  # endings, spacing and spelling round the list: tests/groups/test_wordlist.py
        ("magic mushroom", "magic mushrooms"),
        ("nothing to see here", None),
    ],
)
def test_word_list_matches_whole_words_and_phrases_regardless_of_case(text, expected):
    assert matched_word(text, WORDS) == expected


def test_an_empty_word_list_holds_nothing_back():
    assert matched_word("anything at all", []) is None


def test_list_entries_are_matched_literally_not_as_patterns():
    assert matched_word("a.b", ["a.b"]) == "a.b"
    assert matched_word("axb", ["a.b"]) is None


# --- the protocol --------------------------------------------------------------------------------


def test_form_fields_are_read_as_the_socket_types():
    command = parse({"type": "lower_hand", "user": " 12 "}, from_form=True)
    assert command.fields == {"user": 12}
    assert parse({"type": "chat_toggle", "enabled": "false"}, from_form=True).fields == {"enabled": False}


def test_empty_optional_text_is_left_out():
    assert parse({"type": "triggered", "note": "  "}).fields == {}


@pytest.mark.parametrize(("is_leader", "type_"), [(False, "end_session"), (True, "raise_hand")])
def test_types_are_kept_to_their_role(is_leader, type_):
    with pytest.raises(ProtocolError) as refused:
        refuse_wrong_role(parse({"type": type_}).type, is_leader=is_leader)
    assert refused.value.code == "forbidden"


def test_token_bucket_allows_a_burst_then_refills_evenly():
    now = [0.0]
    bucket = TokenBucket(3, 1, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.34  # a third of a second buys one event back
    assert bucket.take() is True
    assert bucket.take() is False


# --- the shared state ----------------------------------------------------------------------------


@pytest.fixture
def member_seat(cast, open_session):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    presence.enter(open_session, membership)
    return admission.current_seat(open_session.pk, cast.member)


def test_coming_in_twice_keeps_one_place_in_the_room(cast, open_session):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    presence.enter(open_session, membership)
    presence.enter(open_session, membership, channel_name="tab!2")
    assert RoomParticipant.objects.filter(session=open_session, user=cast.member).count() == 1


def test_hands_come_out_in_the_order_they_went_up(cast, open_session, membership_factory):
    later = membership_factory(cast.group).user
    now = timezone.now()
    RoomAlert.objects.create(session=open_session, user=later, kind="hand", created_at=now)
    RoomAlert.objects.create(session=open_session, user=cast.member, kind="hand", created_at=now - timedelta(seconds=5))
    assert list(RoomAlert.objects.raised_hands().values_list("user", flat=True)) == [cast.member.pk, later.pk]


def test_the_database_allows_only_one_raised_hand_per_person(cast, open_session):
    from django.db import IntegrityError

    RoomAlert.objects.create(session=open_session, user=cast.member, kind="hand")
    with pytest.raises(IntegrityError):
        RoomAlert.objects.create(session=open_session, user=cast.member, kind="hand")


def test_leaving_lowers_the_members_hand_and_the_leaders_see_it(member_seat):
    member_actions.raise_hand(member_seat)
    outcome = member_actions.leave(member_seat, choice="ok")
    lowered = [
        d.payload["alert"]
        for d in outcome.deliveries
        if d.payload["type"] == "alert" and d.payload["alert"]["kind"] == "hand"
    ]
    assert len(lowered) == 1 and lowered[0]["lowered_at"]
    assert not RoomAlert.objects.raised_hands().exists()


def test_last_socket_closing_means_the_member_has_left(cast, open_session, member_seat):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    presence.enter(open_session, membership, channel_name="tab!1")
    outcome = presence.disconnect(open_session.pk, cast.member.pk, channel_name="tab!1")
    # The roster says they left without a check-in; the row is kept for follow-ups, not shown in the inbox.
    assert [d.payload["type"] for d in outcome.deliveries] == ["participant"]
    assert outcome.deliveries[0].payload["participant"]["left_without_check_in"] is True
    assert RoomAlert.objects.get().kind == RoomAlert.Kind.LEFT


def test_a_leader_closing_their_dashboard_makes_no_alert(cast, open_session):
    membership = Membership.objects.get(user=cast.leader, group=cast.group)
    presence.enter(open_session, membership, channel_name="dash!1")
    presence.disconnect(open_session.pk, cast.leader.pk, channel_name="dash!1")
    assert RoomParticipant.objects.get(user=cast.leader).status == "left"
    assert not RoomAlert.objects.exists()


def test_a_fresh_second_tab_keeps_the_member_present(cast, open_session, member_seat):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    presence.enter(open_session, membership, channel_name="tab!1")
    presence.enter(open_session, membership, channel_name="tab!2")
    assert presence.disconnect(open_session.pk, cast.member.pk, channel_name="tab!1").deliveries == []
    assert RoomConnection.objects.count() == 1


def test_welfare_prompt_comes_once_per_time_away(cast, open_session, member_seat):
    threshold = timedelta(minutes=cast.group.welfare_threshold_minutes)
    RoomParticipant.objects.filter(user=cast.member).update(
        stepped_out_at=timezone.now() - threshold - timedelta(seconds=1)
    )
    assert len(presence.welfare_prompts(open_session)) == 1
    assert presence.welfare_prompts(open_session) == []

    # Back, then out again for a long time: a new prompt.
    RoomParticipant.objects.filter(user=cast.member).update(stepped_out_at=timezone.now() - threshold)
    RoomAlert.objects.filter(kind="welfare").update(created_at=timezone.now() - threshold - timedelta(minutes=1))
    assert len(presence.welfare_prompts(open_session)) == 1


def test_first_acknowledgement_stands(cast, open_session, member_seat):
    alert = RoomAlert.objects.create(session=open_session, user=cast.member, kind="message")
    for leader in (cast.leader, cast.co_leader):
        presence.enter(open_session, Membership.objects.get(user=leader, group=cast.group))
    leader_actions.acknowledge(admission.current_seat(open_session.pk, cast.co_leader), alert=alert.pk)
    outcome = leader_actions.acknowledge(admission.current_seat(open_session.pk, cast.leader), alert=alert.pk)
    assert outcome.reply["message"] == "Acknowledged by Co Leader."
    assert [d.payload["type"] for d in outcome.deliveries] == ["alert"]  # the member is not told twice


def test_removal_lowers_the_hand_and_blocks_rejoining(
    cast, open_session, member_seat, django_capture_on_commit_callbacks, settings
):
    # In memory: Redis's pub/sub layer only lets a group take channels made by a consumer (what is sent is the same).
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    member_actions.raise_hand(member_seat)
    presence.enter(open_session, Membership.objects.get(user=cast.leader, group=cast.group))
    leader_seat = admission.current_seat(open_session.pk, cast.leader)
    layer = get_channel_layer()
    async_to_sync(layer.group_add)(live.leaders_group(open_session.pk), "leaders-dashboard")
    with django_capture_on_commit_callbacks(execute=True):
        leader_actions.remove(leader_seat, user=cast.member.pk, reason="other", note="")
    # Every removal's room part tells the leaders (sessions/room/removal.py), wherever it was made.
    heard = [async_to_sync(layer.receive)("leaders-dashboard")["payload"] for _ in range(2)]
    assert [payload["type"] for payload in heard] == ["participant", "alert"]
    assert heard[0]["participant"]["status"] == "removed"
    assert not RoomAlert.objects.raised_hands().exists()
    with pytest.raises(admission.RoomRefused) as refused:
        admission.current_seat(open_session.pk, cast.member)
    assert refused.value.code == "removed"
