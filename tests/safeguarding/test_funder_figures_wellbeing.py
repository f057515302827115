"""The funders' figures show the ONS4 check-in only as averages, and nothing from fewer than 5 people."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wellbeing.checkin.models import CheckInAnswer
from wellbeing.checkin.questions import QUESTIONS

URL = reverse("safeguarding:funder_figures")


def answered(group, person, *, days_ago: int = 2, skipped: bool = False, **scores) -> CheckInAnswer:
    when = timezone.now() - timedelta(days=days_ago)
    answer = CheckInAnswer(
        user=person, group=group, month=timezone.localdate(when).replace(day=1), created_at=when, skipped=skipped
    )
    if not skipped:
        answer.set_scores({key: scores.get(key, 5) for key, _ in QUESTIONS})
    answer.save()
    return answer


def period(days: int = 30) -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}


def test_answers_from_fewer_than_five_people_show_nothing(cast, user_factory, auth_client):
    people = [user_factory() for _ in range(4)]
    for person in people:
        answered(cast.group, person, happy=9)
    answered(cast.group, user_factory(), skipped=True)  # a skip is not an answer

    client = auth_client(cast.trustee)
    body = client.get(URL, period()).content.decode()
    assert '<th scope="row">People who answered</th><td>fewer than 5</td>' in body
    assert "9.0" not in body and "Not shown: fewer than 5 people answered" in body
    csv = client.get(reverse("safeguarding:funder_figures_csv"), period()).content.decode()
    assert "People who answered,fewer than 5" in csv and "9.0" not in csv
    svg = client.get(reverse("safeguarding:funder_figures_wellbeing_chart"), period())
    assert b"<script" not in svg.content and b'<desc class="value">' not in svg.content  # no point drawn


def test_five_people_show_the_average_of_each_question(cast, user_factory, auth_client):
    people = [user_factory() for _ in range(5)]
    for n, person in enumerate(people):
        answered(cast.group, person, happy=n + 6, anxious=2)  # happy 6..10: 8.0
    answered(cast.other_group, people[0], happy=0)  # another group's, left out when one group is chosen

    client = auth_client(cast.trustee)
    one = client.get(URL, {**period(), "group": cast.group.pk}).content.decode()
    assert '<th scope="row">People who answered</th><td>5</td>' in one
    assert '<th scope="row">Happy yesterday</th><td>8.0</td><td>5</td>' in one
    assert '<th scope="row">Anxious yesterday (lower is calmer)</th><td>2.0</td><td>5</td>' in one

    everyone = client.get(URL, period()).content.decode()
    assert '<th scope="row">Happy yesterday</th><td>6.7</td><td>6</td>' in everyone  # 40 / 6
    csv = client.get(reverse("safeguarding:funder_figures_csv"), {**period(), "group": cast.group.pk}).content
    assert "Happy yesterday,8.0,5" in csv.decode()
    svg = client.get(reverse("safeguarding:funder_figures_wellbeing_chart"), {**period(), "group": cast.group.pk})
    assert b'<desc class="value">8' in svg.content


def test_a_question_fewer_than_five_people_answered_is_not_shown(cast, user_factory, auth_client):
    for n in range(5):
        answer = answered(cast.group, user_factory(), happy=7)
        if n:
            scores = answer.scores()
            scores["worthwhile"] = None
            answer.set_scores(scores)
            answer.save()
    body = auth_client(cast.trustee).get(URL, period()).content.decode()
    assert '<th scope="row">Happy yesterday</th><td>7.0</td><td>5</td>' in body
    assert '<th scope="row">Things I do are worthwhile</th><td>not shown</td><td>fewer than 5</td>' in body
