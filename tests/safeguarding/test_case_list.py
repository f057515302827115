"""The trustees' case list, made for triage: riskiest open case first, overdue cases marked, fits the screen."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from safeguarding import triage
from safeguarding.models import Concern

URL = reverse("admin:safeguarding_concern_changelist")


def make_case(concern_factory, risk, *, hours_ago=0, status=None):
    concern = concern_factory(risk_level=risk)
    Concern.objects.filter(pk=concern.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago), **({"status": status} if status else {})
    )
    return Concern.objects.get(pk=concern.pk)


def test_cases_come_riskiest_first_closed_last_and_longest_waiting_first(cast, auth_client, concern_factory):
    low = make_case(concern_factory, "low", hours_ago=1)
    closed_immediate = make_case(concern_factory, "immediate", status=Concern.Status.CLOSED)
    high_new = make_case(concern_factory, "high", hours_ago=1)
    high_old = make_case(concern_factory, "high", hours_ago=30)
    immediate = make_case(concern_factory, "immediate")

    listed = list(auth_client(cast.trustee).get(URL).context["cl"].result_list)

    assert listed == [immediate, high_old, high_new, low, closed_immediate]


def test_a_new_case_past_its_first_look_time_is_marked_overdue(cast, auth_client, concern_factory):
    make_case(concern_factory, "high", hours_ago=30)  # high: a first look within 8 hours
    make_case(concern_factory, "low", hours_ago=30)  # low: within a week

    html = auth_client(cast.trustee).get(URL).content.decode()

    assert html.count('class="overdue"') == 1
    assert "Overdue by 22 hours" in html
    assert '<span class="risk risk-high">High</span>' in html
    assert re.search(r'<th scope="row" class="field-case">', html)  # each row's header cell says so


def test_overdue_only_counts_cases_nobody_has_picked_up(concern_factory):
    concern = make_case(concern_factory, "medium", hours_ago=24 * 4)
    assert triage.overdue_by(concern) > timedelta(hours=23)
    Concern.objects.filter(pk=concern.pk).update(status=Concern.Status.IN_REVIEW)
    assert triage.overdue_by(Concern.objects.get(pk=concern.pk)) is None
