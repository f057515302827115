"""Leaders schedule a weekly or fortnightly series."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import GroupSession
from tests.sessions.conftest import LEADER_PAGE_LADDER, assert_ladder, page_text

LONDON = ZoneInfo("Europe/London")


def series_url(cast) -> str:
    return reverse("sessions:create_series", args=[cast.group.slug])


def form_data(**overrides) -> dict:
    data = {
        "topic": "Weekly check-in",
        "starts_at": "2031-03-11T19:00",
        "duration_minutes": "90",
        "chat_enabled": "on",
        "every": "weekly",
        "count": "4",
        "meeting_link": "https://meet.example.org/weekly",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "expected"), LEADER_PAGE_LADDER)
def test_series_page_permission_ladder(client_as, cast, role, expected):
    assert_ladder(client_as(role).get(series_url(cast)), expected)


def test_leader_schedules_a_weekly_series(client_as, cast):
    response = client_as("leader").post(series_url(cast), form_data())

    sessions = list(GroupSession.objects.order_by("starts_at"))
    assert response.status_code == 302
    assert len(sessions) == 4
    assert len({s.series_id for s in sessions}) == 1 and sessions[0].series_id is not None
    assert all(s.meeting_link == "https://meet.example.org/weekly" for s in sessions)
    assert [s.starts_at.astimezone(LONDON).strftime("%d %H:%M") for s in sessions] == [
        "11 19:00",
        "18 19:00",
        "25 19:00",
        "01 19:00",
    ]


def test_a_weekly_series_keeps_its_local_time_across_the_clock_change(client_as, cast):
    # The clocks go forward on 30 March 2031 in the UK: the UTC hour moves, the local hour does not.
    client_as("leader").post(series_url(cast), form_data(starts_at="2031-03-25T19:00", count="2"))

    first, second = GroupSession.objects.order_by("starts_at")
    assert first.starts_at.astimezone(LONDON).hour == second.starts_at.astimezone(LONDON).hour == 19
    assert second.starts_at - first.starts_at == timedelta(days=7, hours=-1)


def test_a_fortnightly_series_is_two_weeks_apart(client_as, cast):
    client_as("leader").post(series_url(cast), form_data(every="fortnightly", count="3", starts_at="2031-06-03T10:00"))
    starts = [s.starts_at for s in GroupSession.objects.order_by("starts_at")]
    assert [b - a for a, b in itertools.pairwise(starts)] == [timedelta(weeks=2)] * 2


@pytest.mark.parametrize("count", ["1", "27"])
def test_a_series_has_a_sensible_length(client_as, cast, count):
    response = client_as("leader").post(series_url(cast), form_data(count=count))
    assert response.status_code == 200
    assert not GroupSession.objects.exists()


def test_a_member_cannot_schedule_a_series(client_as, cast):
    assert client_as("member").post(series_url(cast), form_data()).status_code == 403
    assert not GroupSession.objects.exists()


def test_series_start_times_refuse_an_unknown_rhythm():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.series_start_times(timezone.now(), every="monthly", count=3)


def test_series_service_audits_once_for_the_series(cast):
    from core.models import AuditEvent

    sessions = services.create_series(
        cast.group,
        actor=cast.leader,
        first_start=datetime(2031, 5, 1, 18, 0, tzinfo=LONDON),
        length=timedelta(hours=1),
        every="weekly",
        count=3,
        topic="Spring",
    )

    event = AuditEvent.objects.get(action="sessions.series.created")
    assert event.data["session_ids"] == [s.pk for s in sessions]
    assert AuditEvent.objects.filter(action="sessions.session.created").count() == 3


def test_series_page_explains_the_clock_change(client_as, cast):
    assert "when the clocks change" in page_text(client_as("leader").get(series_url(cast)))
