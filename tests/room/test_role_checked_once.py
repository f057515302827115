"""The role of a room command is checked once, when it is carried out, against fresh data (issue 14): a leader
who steps down mid-session loses the leaders' commands at once, and their open socket, which listens as a leader
(the leaders' channel: backchannel, alerts), closes so that it reopens as what they are now."""

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups import services as groups
from groups.models import Membership
from sessions.room import admission, dispatch, presence
from sessions.room.protocol import ProtocolError, parse
from tests.room.conftest import drain, joined, receive_until


def membership(cast, user) -> Membership:
    return Membership.objects.select_related("user").get(group=cast.group, user=user)


@pytest.mark.django_db
def test_a_leader_who_steps_down_mid_session_loses_leader_commands_at_once(cast, open_session):
    presence.enter(open_session, membership(cast, cast.co_leader))
    dispatch.perform(open_session.pk, cast.co_leader, parse({"type": "lower_all_hands"}))  # a leader's, allowed

    groups.step_down(membership(cast, cast.co_leader), actor=cast.leader)

    with pytest.raises(ProtocolError) as refused:
        dispatch.perform(open_session.pk, cast.co_leader, parse({"type": "lower_all_hands"}))
    assert refused.value.code == "forbidden"
    # ...and the members' buttons are theirs now.
    assert dispatch.perform(open_session.pk, cast.co_leader, parse({"type": "raise_hand"})).reply["type"] == "done"


@pytest.mark.django_db
def test_a_member_made_a_leader_mid_session_has_leader_commands_at_once(cast, open_session):
    presence.enter(open_session, membership(cast, cast.member))
    with pytest.raises(ProtocolError):
        dispatch.perform(open_session.pk, cast.member, parse({"type": "lower_all_hands"}))

    groups.appoint_leader(membership(cast, cast.member), actor=cast.leader)

    assert dispatch.perform(open_session.pk, cast.member, parse({"type": "lower_all_hands"})).reply["type"] == "done"


@pytest.mark.django_db
def test_a_members_command_costs_no_query_for_the_role(cast, open_session):
    """The role comes with the seat, in the seat check's one query (with the removal too): a member's command is
    the seat, then the action's own query, as before the role moved out of the parser."""
    presence.enter(open_session, membership(cast, cast.member))
    command = parse({"type": "lower_hand"})
    with CaptureQueriesContext(connection) as done:
        dispatch.perform(open_session.pk, cast.member, command)
    statements = [q["sql"] for q in done.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2
    assert "safeguarding_removal" in statements[0]


@pytest.mark.django_db(transaction=True)
async def test_a_demoted_leaders_socket_closes_so_it_stops_listening_as_a_leader(socket_for, cast, open_session):
    co_leader = await joined(socket_for, cast.co_leader, open_session, expect="snapshot")
    await drain(co_leader)

    await database_sync_to_async(groups.step_down)(
        await database_sync_to_async(membership)(cast, cast.co_leader), actor=cast.leader
    )

    closed = await receive_until(co_leader, "closed", timeout=3)
    assert closed["reason"] == "role_changed"
    assert closed["message"] == admission.ROLE_CHANGED
    assert (await co_leader.receive_output(timeout=3))["code"] == 4001
    again = await joined(socket_for, cast.co_leader, open_session, expect="welcome")  # back in, as a member
    await again.disconnect()
