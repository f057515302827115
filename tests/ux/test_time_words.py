"""One way to write time (core/britishtime.py): "7 pm", "7.30 pm", "Tuesday 2 December", everywhere."""

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from core import britishtime

LONDON = ZoneInfo("Europe/London")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (19, 0, "7 pm"),
        (19, 30, "7.30 pm"),
        (9, 5, "9.05 am"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (12, 15, "12.15 pm"),
        (0, 45, "12.45 am"),
    ],
)
def test_clock_says_the_hour_plainly(hour, minute, words):
    assert britishtime.clock(datetime(2026, 12, 1, hour, minute, tzinfo=LONDON)) == words


def test_clock_writes_in_the_current_time_zone():
    moment = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)  # 7.30 pm in London (summer time)
    with timezone.override(LONDON):
        assert britishtime.clock(moment) == "7.30 pm"
    with timezone.override(ZoneInfo("America/New_York")):
        assert britishtime.clock(moment) == "2.30 pm"


def test_day_adds_the_year_only_when_it_is_not_this_year():
    this_year = timezone.localdate().year
    assert britishtime.day(date(this_year, 12, 1)).endswith(" 1 December")
    assert britishtime.day(datetime(2030, 12, 3, 19, tzinfo=LONDON)) == "Tuesday 3 December 2030"


def test_the_other_shapes():
    moment = datetime(2026, 12, 1, 19, 30, 12, 345678, tzinfo=LONDON)
    end = datetime(2026, 12, 1, 21, 0, tzinfo=LONDON)
    with timezone.override(LONDON):
        assert britishtime.date_long(moment) == "1 December 2026"
        assert britishtime.stamp(moment) == "1 December 2026, 7.30 pm"
        assert britishtime.month(date(2026, 12, 1)) == "December 2026"
        assert britishtime.span(moment, end) == "7.30 pm to 9 pm"
        assert britishtime.machine(moment) == "2026-12-01T19:30:12+00:00"  # no microseconds: valid HTML
    assert britishtime.clock(None) == britishtime.day(None) == britishtime.machine(None) == ""


def test_the_filters_are_there_in_every_template_without_loading():
    moment = datetime(2030, 12, 3, 19, 0, tzinfo=LONDON)
    end = datetime(2030, 12, 3, 20, 30, tzinfo=LONDON)
    template = Template("{{ a|day_and_time }} · {{ a|until:b }} · {{ a|machine }}")
    with timezone.override(LONDON):
        html = template.render(Context({"a": moment, "b": end}))
    assert html == "Tuesday 3 December 2030, 7 pm · 7 pm to 8.30 pm · 2030-12-03T19:00:00+00:00"


# Django's own formats ({{ x|date:"H:i" }}, {{ x|time }}, {{ x|date:'c' }}) write time four different ways and
# put microseconds in <time datetime>: every template writes time through the filters above instead.
RAW_FORMAT = re.compile(r"\|\s*(date|time)\b")


def test_no_template_writes_time_with_djangos_own_formats():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if RAW_FORMAT.search(line):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert not offenders, "write time with |clock, |day, |stamp... (core/britishtime.py):\n" + "\n".join(offenders)
