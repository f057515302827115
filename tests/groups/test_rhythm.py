"""A group's stated rhythm and its schedule can't disagree unnoticed: the leaders are told on the group's page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import rhythm

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("words", "days", "start"),
    [
        ("Tuesdays, 7 pm to 8.30 pm, weekly", {1}, (19, 0)),
        ("Tuesdays, 7–8.30 pm, fortnightly", {1}, (19, 0)),  # noqa: RUF001
        ("Mondays and Thursdays, 10.30 am", {0, 3}, (10, 30)),
        ("Sundays at midday", {6}, (12, 0)),
        ("Wednesdays 18:30", {2}, (18, 30)),
        ("Every day", set(), None),
        ("Saturdays, 7", {5}, None),  # no am or pm: not guessed
    ],
)
def test_the_stated_rhythm_is_read_plainly(words, days, start):
    assert rhythm.stated_weekdays(words) == days
    assert rhythm.stated_start(words) == start


def next_weekday(weekday: int, hour: int, minute: int = 0) -> datetime:
    today = timezone.localdate() + timedelta(days=1)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def plan(session_factory, group, starts_at, minutes=90):
    session = session_factory(group)
    session.starts_at, session.ends_at = starts_at, starts_at + timedelta(minutes=minutes)
    session.save(update_fields=["starts_at", "ends_at"])
    return session


def test_leaders_are_told_when_the_sessions_fall_on_another_day_or_time(as_person, cast, session_factory):
    cast.group.meeting_rhythm = "Tuesdays, 7 pm to 8.30 pm, weekly"
    cast.group.save(update_fields=["meeting_rhythm"])
    friday = next_weekday(4, 16, 15)
    plan(session_factory, cast.group, friday)
    plan(session_factory, cast.group, friday + timedelta(days=7))
    url = reverse("groups:detail", args=[cast.group.slug])

    html = as_person("leader").get(url).content.decode()
    assert "The group&#x27;s description says “Tuesdays, 7 pm to 8.30 pm, weekly”" in html
    assert "The schedule says: Fridays, 4.15 pm to 5.45 pm." in html
    assert "description says" not in as_person("member").get(url).content.decode()  # a matter for the leaders


def test_nothing_is_said_when_the_sessions_match(as_person, cast, session_factory):
    cast.group.meeting_rhythm = "Tuesdays, 7 pm to 8.30 pm, weekly"
    cast.group.save(update_fields=["meeting_rhythm"])
    tuesday = next_weekday(1, 19)
    plan(session_factory, cast.group, tuesday)
    plan(session_factory, cast.group, tuesday + timedelta(days=7))

    html = as_person("leader").get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "description says" not in html
