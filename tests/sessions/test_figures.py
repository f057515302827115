"""The trustees' attendance figures: sessions run, attendances and returning people per month, no names."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, GroupSession
from sessions.services import monthly_figures
from tests.sessions.conftest import assert_login_redirect, page_text


@pytest.mark.parametrize("role", ["outsider", "member", "leader", "other_leader"])
def test_only_trustees_see_the_figures(client_as, role):
    response = client_as(role).get(reverse("sessions:figures"))
    assert response.status_code == 403
    assert "trustees" in page_text(response)


def test_anonymous_visitor_is_sent_to_sign_in(client_as):
    assert_login_redirect(client_as("anonymous").get(reverse("sessions:figures")))


def test_non_trustee_staff_are_refused(client_as, cast, user_factory, auth_client):
    from tests.fixtures.factories import enable_mfa

    staff = user_factory(is_staff=True)
    enable_mfa(staff)
    assert auth_client(staff).get(reverse("sessions:figures")).status_code == 403


def test_trustee_sees_counts_without_names(client_as, cast, session_factory):
    session = session_factory(cast.group, starts_in=timedelta(hours=-3), topic="Private topic")
    Attendance.objects.create(session=session, user=cast.member)

    response = client_as("trustee").get(reverse("sessions:figures"))

    text = page_text(response)
    assert response.status_code == 200
    assert "Member Mo" not in text and cast.member.email not in text
    assert response.context["months"][0].attendances == 1


def session_at(group, when: datetime, **extra) -> GroupSession:
    return GroupSession.objects.create(
        group=group, topic="t", starts_at=when, ends_at=when + timedelta(hours=1), **extra
    )


def test_monthly_figures_count_sessions_attendance_and_returning_people(cast, user_factory):
    now = datetime(2031, 3, 20, 12, 0, tzinfo=UTC)
    january = session_at(cast.group, datetime(2031, 1, 14, 19, tzinfo=UTC))
    february = session_at(cast.group, datetime(2031, 2, 11, 19, tzinfo=UTC))
    march = session_at(cast.group, datetime(2031, 3, 11, 19, tzinfo=UTC))
    session_at(cast.group, datetime(2031, 3, 12, 19, tzinfo=UTC), status=GroupSession.Status.CANCELLED)
    session_at(cast.group, datetime(2031, 3, 25, 19, tzinfo=UTC))  # still to come: not run yet
    newcomer = user_factory()
    Attendance.objects.create(session=january, user=cast.member)
    Attendance.objects.create(session=february, user=cast.member)
    Attendance.objects.create(session=february, user=newcomer)
    Attendance.objects.create(session=march, user=cast.member)
    Attendance.objects.create(session=march, user=newcomer)
    Attendance.objects.create(session=march, user=cast.co_leader)

    with timezone.override("UTC"):
        months = {m.month.month: m for m in monthly_figures(months=3, now=now)}

    assert sorted(months) == [1, 2, 3]
    assert (months[1].sessions_run, months[1].attendances, months[1].people, months[1].returning_people) == (1, 1, 1, 0)
    assert (months[2].sessions_run, months[2].attendances, months[2].people, months[2].returning_people) == (1, 2, 2, 1)
    assert (months[3].sessions_run, months[3].attendances, months[3].people, months[3].returning_people) == (1, 3, 3, 2)


def test_months_without_sessions_show_zeros(db):
    figures = monthly_figures(months=6)
    assert len(figures) == 6
    assert all(m.sessions_run == m.attendances == m.people == 0 for m in figures)
    assert figures[0].month > figures[-1].month
