"""Opening or polling the leaders' dashboard only reads: the welfare prompts are the beat task's and the
leaders' socket heartbeat's (sessions/room/welfare.py: prompt_welfare), never a GET's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.models import RoomAlert, RoomParticipant
from sessions.room.welfare import prompt_welfare

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_made_by(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def overdue_member(cast, open_session):
    long_ago = timezone.now() - timedelta(minutes=cast.group.welfare_threshold_minutes + 2)
    return RoomParticipant.objects.create(session=open_session, user=cast.member, stepped_out_at=long_ago)


@pytest.mark.parametrize("view", ["sessions:dashboard", "sessions:dashboard_snapshot"])
def test_a_get_of_the_dashboard_writes_nothing_even_with_a_welfare_prompt_due(
    auth_client, cast, open_session, overdue_member, view
):
    client = auth_client(cast.leader)
    client.get(reverse("sessions:dashboard", args=[open_session.pk]))  # the leader's first visit: coming in
    RoomAlert.objects.all().delete()
    assert writes_made_by(client, reverse(view, args=[open_session.pk])) == []
    assert not RoomAlert.objects.exists()


def test_the_dashboard_shows_the_welfare_prompt_the_beat_task_made(auth_client, cast, open_session, overdue_member):
    assert prompt_welfare() == 1
    client = auth_client(cast.leader)
    snapshot = client.get(reverse("sessions:dashboard_snapshot", args=[open_session.pk])).json()
    assert [(a["kind"], a["name"]) for a in snapshot["alerts"]] == [("welfare", "Member Mo")]
    page = client.get(reverse("sessions:dashboard", args=[open_session.pk])).content.decode()
    inbox = page[page.index('id="alerts"') : page.index('id="alerts-empty"')]
    assert "Member Mo" in inbox
    assert RoomAlert.objects.filter(kind=RoomAlert.Kind.WELFARE).count() == 1
