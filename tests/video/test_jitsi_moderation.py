"""Jitsi has no server API for us: a removal asks the leaders' own embedded clients to kick (the room's
`call_kick` message, read by static/js/call-jitsi.js), and the removed person never gets a new JWT. Mute and
end are not pretended: the leader is told plainly where to do it."""

import pytest
from django.urls import reverse

from groups.models import Membership
from safeguarding.removals import remove_member
from sessions.room.protocol import schema_mismatch
from tests.video.test_moderation import credential, dashboard_action


@pytest.fixture
def in_call(jitsi, cast, open_session, in_room, auth_client):
    in_room(open_session, cast.leader)
    in_room(open_session, cast.member, admitted=True)
    assert credential(auth_client(cast.member), open_session).status_code == 200


def kicks(inbox) -> list[dict]:
    return [m for m in inbox() if m.get("type") == "call_kick"]


def test_a_removal_from_the_dashboard_asks_the_leaders_clients_to_kick_and_no_new_jwt_follows(
    cast, open_session, in_call, auth_client, leaders_inbox, django_capture_on_commit_callbacks
):
    leaders_inbox()
    with django_capture_on_commit_callbacks(execute=True):
        response = dashboard_action(
            auth_client(cast.leader), open_session, action="remove", user=cast.member.pk, reason="complaint"
        )
    assert response.json()["type"] == "done"
    [kick] = kicks(leaders_inbox)
    assert schema_mismatch(kick) is None
    assert kick["name"] == "Member Mo"
    assert "Member Mo" in kick["message"]
    assert open_session.video_room not in str(kick)
    refused = credential(auth_client(cast.member), open_session)
    assert refused.status_code == 403 and "token" not in refused.json()


def test_a_safeguarding_removal_from_the_group_kicks_in_every_open_session_of_the_group(
    cast, open_session, in_call, leaders_inbox, django_capture_on_commit_callbacks
):
    leaders_inbox()
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        remove_member(membership, actor=cast.leader, kind="permanent", reasons=["risk_to_members"])
    assert [k["name"] for k in kicks(leaders_inbox)] == ["Member Mo"]


def test_without_a_commit_nothing_is_kicked(cast, open_session, in_call, auth_client, leaders_inbox):
    leaders_inbox()
    dashboard_action(auth_client(cast.leader), open_session, action="remove", user=cast.member.pk, reason="complaint")
    assert kicks(leaders_inbox) == []  # the hook runs on commit only (the test's transaction never commits)


def test_mute_says_where_a_leader_can_do_it(cast, open_session, in_call, auth_client):
    answer = dashboard_action(auth_client(cast.leader), open_session, action="mute", user=cast.member.pk).json()
    assert answer["type"] == "error" and answer["code"] == "not_embedded"
    assert "participant list" in answer["message"]


def test_the_member_page_is_told_nothing_about_the_kick(cast, open_session, in_call, auth_client):
    page = auth_client(cast.member).get(reverse("sessions:room", args=[open_session.pk]))
    assert page.status_code == 200
    assert b'data-provider="jitsi"' in page.content
    assert open_session.video_room.encode() not in page.content  # the room name comes with the credential only
