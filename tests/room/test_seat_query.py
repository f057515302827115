"""sessions/room/seat_query.py: the seat check's query, built once, gives what the ORM gives (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import Membership
from sessions.models import GroupSession, RoomParticipant
from sessions.room import admission, presence
from sessions.room.seat_query import fetch_seat
from tests.fixtures.factories import removed_from_session

pytestmark = pytest.mark.django_db


def fields_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


@pytest.fixture
def member_in_room(cast, open_session):
    presence.enter(open_session, Membership.objects.get(user=cast.member, group=cast.group))
    return cast.member


def test_every_field_is_what_the_orm_loads(cast, open_session, member_in_room):
    now = timezone.now()
    RoomParticipant.objects.filter(session=open_session, user=member_in_room).update(
        stepped_out_at=now - timedelta(minutes=3), passing_since=now
    )
    cast.group.chat_word_list = "ketamine\nmagic mushrooms"
    cast.group.save()

    found = fetch_seat(open_session.pk, member_in_room.pk)

    expected = RoomParticipant.objects.select_related("session__group").get(session=open_session, user=member_in_room)
    assert fields_of(found.participant) == fields_of(expected)
    assert fields_of(found.participant.session) == fields_of(expected.session)
    assert fields_of(found.participant.session.group) == fields_of(expected.session.group)
    assert found.participant.stepped_out_at.tzinfo is not None  # aware, as the ORM gives them
    assert found.participant.session.meeting_link == expected.session.meeting_link  # decrypted the same way
    assert found.participant.session.group.word_list == ["ketamine", "magic mushrooms"]
    assert (found.membership_status, found.membership_role) == (Membership.Status.ACTIVE, Membership.Role.MEMBER)
    assert found.participant._state.adding is False and found.participant._state.db == "default"


def test_instances_behave_like_the_orms(open_session, member_in_room, django_assert_num_queries):
    found = fetch_seat(open_session.pk, member_in_room.pk)
    participant = found.participant
    with django_assert_num_queries(0):  # the session and group come with it
        assert participant.session.group.pk == open_session.group_id
    participant.passing_since = timezone.now()
    participant.save(update_fields=["passing_since"])
    assert RoomParticipant.objects.get(pk=participant.pk).passing_since == participant.passing_since


def test_one_query(open_session, member_in_room, django_assert_num_queries):
    with django_assert_num_queries(1):
        fetch_seat(open_session.pk, member_in_room.pk)


def test_a_leaders_role_comes_with_it(cast, open_session):
    presence.enter(open_session, Membership.objects.get(user=cast.leader, group=cast.group))
    found = fetch_seat(open_session.pk, cast.leader.pk)
    assert found.membership_role == Membership.Role.LEADER
    assert admission.current_seat(open_session.pk, cast.leader).is_leader


def test_nobody_in_the_room_gives_none(cast, open_session):
    assert fetch_seat(open_session.pk, cast.member.pk) is None
    assert fetch_seat(open_session.pk + 1000, cast.member.pk) is None


def test_the_membership_of_another_group_is_not_taken(cast, open_session, member_in_room, group_factory):
    other = group_factory()
    Membership.objects.create(group=other, user=member_in_room, role=Membership.Role.LEADER)
    Membership.objects.filter(group=cast.group, user=member_in_room).update(status=Membership.Status.SUSPENDED)
    found = fetch_seat(open_session.pk, member_in_room.pk)
    assert (found.membership_status, found.membership_role) == (Membership.Status.SUSPENDED, Membership.Role.MEMBER)


def test_no_membership_at_all_is_refused(cast, open_session, member_in_room):
    Membership.objects.filter(group=cast.group, user=member_in_room).delete()
    assert fetch_seat(open_session.pk, member_in_room.pk).membership_status is None
    with pytest.raises(admission.RoomRefused) as refused:
        admission.current_seat(open_session.pk, member_in_room)
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            lambda session, user: Membership.objects.filter(user=user).update(status=Membership.Status.REMOVED),
            "forbidden",
        ),
        (
            lambda session, user: removed_from_session(session, user),
            "removed",
        ),
        (lambda session, user: GroupSession.objects.filter(pk=session.pk).update(status="ended"), "not_open"),
        (
            lambda session, user: type(session.group).objects.filter(pk=session.group_id).update(is_archived=True),
            "not_open",
        ),
    ],
)
def test_the_seat_check_refuses_what_changed_since(open_session, member_in_room, change, code):
    admission.current_seat(open_session.pk, member_in_room)  # admitted before the change
    change(open_session, member_in_room)
    with pytest.raises(admission.RoomRefused) as refused:
        admission.current_seat(open_session.pk, member_in_room)
    assert refused.value.code == code
