"""Figures for funders: per group and for all, over a chosen period; small counts hidden; flat query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport import figures
from sessions.models import Attendance, GroupSession
from tests.safeguarding.test_funder_figures_wellbeing import answered

URL = reverse("safeguarding:funder_figures")


def held(session_factory, group, *, days_ago: int, people) -> GroupSession:
    session = session_factory(group, starts_in=timedelta(days=-days_ago), status=GroupSession.Status.ENDED)
    for person in people:
        Attendance.objects.create(session=session, user=person, joined_at=session.starts_at)
    return session


@pytest.fixture
def crowd(user_factory):
    return [user_factory() for _ in range(7)]


def period(days: int) -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}


def test_counts_under_five_are_shown_as_fewer_than_five_but_zero_and_five_are_shown(
    cast, session_factory, crowd, auth_client
):
    held(session_factory, cast.group, days_ago=3, people=crowd[:3])  # 1 session, 3 people

    body = auth_client(cast.trustee).get(URL, period(30)).content.decode()
    assert '<th scope="row">Sessions run</th><td>fewer than 5</td>' in body
    assert '<th scope="row">People who came</th><td>fewer than 5</td>' in body
    assert '<th scope="row">Concerns raised</th><td>0</td>' in body

    for days_ago in (4, 5, 6, 7):
        held(session_factory, cast.group, days_ago=days_ago, people=crowd[:5])
    body = auth_client(cast.trustee).get(URL, period(30)).content.decode()
    assert '<th scope="row">Sessions run</th><td>5</td>' in body
    assert '<th scope="row">People who came</th><td>5</td>' in body
    assert '<th scope="row">Returning members (came to two sessions or more)</th><td>5</td>' in body


def test_the_csv_and_the_chart_hide_small_counts_too(cast, session_factory, crowd, auth_client):
    held(session_factory, cast.group, days_ago=2, people=crowd[:2])
    client = auth_client(cast.trustee)

    csv = client.get(reverse("safeguarding:funder_figures_csv"), period(30)).content.decode()
    assert "Sessions run,fewer than 5" in csv and "People who came,fewer than 5" in csv

    data = figures.figures_for(start=timezone.localdate() - timedelta(days=30), end=timezone.localdate())
    assert [figures.plotted(people) for _, _, people in data.months] == [None if p else 0 for _, _, p in data.months]
    svg = client.get(reverse("safeguarding:funder_figures_chart"), period(30))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<script" not in svg.content
    policy = svg["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy


def test_one_group_or_all_groups(cast, session_factory, crowd, auth_client):
    for days_ago in range(1, 6):
        held(session_factory, cast.group, days_ago=days_ago, people=crowd[:5])
        held(session_factory, cast.other_group, days_ago=days_ago, people=crowd[2:7])
    client = auth_client(cast.trustee)

    one = client.get(URL, {**period(30), "group": cast.other_group.pk}).content.decode()
    everyone = client.get(URL, period(30)).content.decode()

    assert '<th scope="row">Sessions run</th><td>5</td>' in one
    assert '<th scope="row">Sessions run</th><td>10</td>' in everyone
    assert '<th scope="row">People who came</th><td>7</td>' in everyone


@pytest.mark.parametrize("days", [7, 365, 3 * 365])
def test_the_query_count_is_flat_whatever_the_period(
    cast, session_factory, crowd, auth_client, days, django_assert_num_queries
):
    for days_ago in (1, 40, 200, 700):
        held(session_factory, cast.group, days_ago=days_ago, people=crowd)
        for person in crowd:
            follow_up(cast.group, person, days_ago=days_ago, closed_after_hours=days_ago % 48)
            answered(cast.group, person, days_ago=days_ago, happy=days_ago % 11)
    client = auth_client(cast.trustee)
    client.get(URL, period(days))  # warm the session and the user

    # session, user, their two-step authenticator, the trustee check; the eight figures (sessions, people,
    # returning, sessions and people by month, concerns by category and by status, follow-ups by month and
    # how they closed); the wellbeing check-ins' answers; whether they lead a group (the page's menu); the
    # form's list of groups.
    with django_assert_num_queries(15):
        client.get(URL, period(days))


def test_a_period_that_ends_before_it_starts_is_refused_kindly(cast, auth_client):
    today = timezone.localdate()
    response = auth_client(cast.trustee).get(
        URL, {"start": today.isoformat(), "end": (today - timedelta(1)).isoformat()}
    )
    assert response.status_code == 200 and b"Please choose an end on or after the start." in response.content


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["member", "leader", "outsider"])
@pytest.mark.parametrize(
    "name", ["funder_figures", "funder_figures_csv", "funder_figures_chart", "funder_figures_follow_ups_chart"]
)
def test_only_trustees_see_the_figures(cast, auth_client, who, name):
    assert auth_client(getattr(cast, who)).get(reverse(f"safeguarding:{name}")).status_code == 403


def test_a_trustee_sees_the_page_with_its_chart_and_download(cast, auth_client):
    body = auth_client(cast.trustee).get(URL).content.decode()
    assert reverse("safeguarding:funder_figures_chart") in body and reverse("safeguarding:funder_figures_csv") in body


# --- follow-ups closed in time ---------------------------------------------------------------------------------


def follow_up(group, member, *, days_ago: int, closed_after_hours: float | None, due_in_hours: float = 24):
    """A follow-up made `days_ago` days ago, due `due_in_hours` later, closed `closed_after_hours` after it was made."""
    from care.models import FollowUp

    made = timezone.now() - timedelta(days=days_ago)
    closed = None if closed_after_hours is None else made + timedelta(hours=closed_after_hours)
    return FollowUp.objects.create(
        group=group,
        member=member,
        kind=FollowUp.Kind.CONTACT,
        happened_at=made,
        created_at=made,
        due_at=made + timedelta(hours=due_in_hours),
        closed_at=closed,
        outcome=FollowUp.Outcome.SPOKE if closed else "",
    )


def test_follow_ups_made_in_the_period_are_counted_as_in_time_late_or_open(cast, crowd, auth_client):
    for person in crowd[:5]:
        follow_up(cast.group, person, days_ago=10, closed_after_hours=3)  # in time
    for person in crowd[:6]:
        follow_up(cast.group, person, days_ago=12, closed_after_hours=30)  # a day late
    for person in crowd[:2]:
        follow_up(cast.group, person, days_ago=1, closed_after_hours=None)  # still open
    follow_up(cast.group, crowd[0], days_ago=60, closed_after_hours=1)  # made before the period
    for person in crowd:
        follow_up(cast.other_group, person, days_ago=5, closed_after_hours=50)  # another group's, late

    body = auth_client(cast.trustee).get(URL, {**period(30), "group": cast.group.pk}).content.decode()
    assert '<th scope="row">Closed by their due time</th><td>5</td>' in body
    assert '<th scope="row">Closed late</th><td>6</td>' in body
    assert '<th scope="row">Still open</th><td>fewer than 5</td>' in body
    assert '<th scope="row">Follow-ups made</th><td>13</td>' in body

    everyone = auth_client(cast.trustee).get(URL, period(30)).content.decode()
    assert '<th scope="row">Closed late</th><td>13</td>' in everyone
    assert '<th scope="row">Follow-ups made</th><td>20</td>' in everyone


@pytest.mark.django_db
def test_closed_at_the_due_minute_counts_as_in_time(cast, crowd):
    for person in crowd[:5]:
        follow_up(cast.group, person, days_ago=3, closed_after_hours=24, due_in_hours=24)
    today = timezone.localdate()
    data = figures.figures_for(start=today - timedelta(days=30), end=today)
    assert (data.follow_ups.in_time, data.follow_ups.late, data.follow_ups.open) == (5, 0, 0)


def test_follow_ups_by_month_in_the_csv_and_chart_hide_small_counts(cast, crowd, auth_client):
    for person in crowd[:3]:
        follow_up(cast.group, person, days_ago=2, closed_after_hours=1)
    client = auth_client(cast.trustee)

    csv = client.get(reverse("safeguarding:funder_figures_csv"), period(30)).content.decode()
    assert "Closed by their due time,fewer than 5" in csv
    assert "Month,Closed by their due time,Closed late,Still open" in csv

    svg = client.get(reverse("safeguarding:funder_figures_follow_ups_chart"), period(30))
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in svg.content and b"Follow-ups" in svg.content
    assert "script-src 'none'" in svg["Content-Security-Policy"]
    today = timezone.localdate()
    data = figures.figures_for(start=today - timedelta(days=30), end=today)
    assert all(figures.plotted(n) is None for _, n, _, _ in data.follow_up_months if n)
