"""Figures a funder reads: per group or for all groups, over a chosen period, as a table, a chart and CSV.

Outputs (sessions run, people attending, returning members), follow-ups closed in time, and how concerns were
raised and closed. Counts
from 1 to 4 are shown as "fewer than 5" everywhere (table, chart, CSV), so that nobody can be picked out.
The number of queries is fixed whatever the period (each figure is one aggregate query), so a year costs
what a week costs. Charts are SVG drawn on the server by pygal, with no script; the numbers are also in a
table beside each chart for people who cannot see it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from care.models import FollowUp
from core import charts
from safeguarding.models import Concern
from sessions.models import Attendance, GroupSession

SMALL = 5
FEWER_THAN = f"fewer than {SMALL}"


def shown(count: int) -> str:
    """A count as it may be shown: 1-4 become "fewer than 5" (0 names nobody, so it stays 0)."""
    return FEWER_THAN if 0 < count < SMALL else str(count)


def plotted(count: int) -> int | None:
    """A count as a chart may draw it: small counts are left out (a gap, labelled in the table)."""
    return None if 0 < count < SMALL else count


@dataclass
class Row:
    label: str
    count: int

    @property
    def shown(self) -> str:
        return shown(self.count)


@dataclass
class FollowUpCounts:
    """Follow-ups made in the period: closed by their due time, closed after it, or still open."""

    in_time: int = 0
    late: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.in_time + self.late + self.open

    @property
    def rows(self) -> list[Row]:
        return [
            Row("Closed by their due time", self.in_time),
            Row("Closed late", self.late),
            Row("Still open", self.open),
            Row("Follow-ups made", self.total),
        ]


@dataclass
class Figures:
    start: date
    end: date
    group: object | None
    outputs: list[Row] = field(default_factory=list)
    months: list[tuple[date, int, int]] = field(default_factory=list)  # (month, sessions run, people)
    concerns_by_category: list[Row] = field(default_factory=list)
    concerns_by_status: list[Row] = field(default_factory=list)
    follow_ups: FollowUpCounts = field(default_factory=FollowUpCounts)
    follow_up_months: list[tuple[date, int, int, int]] = field(default_factory=list)  # (month, in time, late, open)

    @property
    def month_rows(self) -> list[tuple[date, str, str]]:
        return [(month, shown(run), shown(people)) for month, run, people in self.months]

    @property
    def follow_up_month_rows(self) -> list[tuple[date, str, str, str]]:
        return [(month, *map(shown, counts)) for month, *counts in self.follow_up_months]


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return since, min(until, timezone.now())


def figures_for(*, start: date, end: date, group=None) -> Figures:
    """Every figure for the period (inclusive dates), for one group or all. Eight queries, whatever the period."""
    since, until = bounds(start, end)
    sessions = GroupSession.objects.not_cancelled().filter(starts_at__gte=since, starts_at__lt=until)
    came = Attendance.objects.filter(session__starts_at__gte=since, session__starts_at__lt=until).exclude(
        session__status=GroupSession.Status.CANCELLED
    )
    concerns = Concern.objects.filter(created_at__gte=since, created_at__lt=until)
    follow_ups = FollowUp.objects.filter(created_at__gte=since, created_at__lt=until)
    if group is not None:
        sessions, came, concerns, follow_ups = (
            sessions.filter(group=group),
            came.filter(session__group=group),
            concerns.filter(group=group),
            follow_ups.filter(group=group),
        )

    run = sessions.count()  # 1
    people = came.values("user").distinct().count()  # 2
    returning = came.values("user").annotate(n=Count("session", distinct=True)).filter(n__gte=2).count()  # 3
    per_month_sessions = dict(  # 4
        sessions.annotate(month=TruncMonth("starts_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_month_people = dict(  # 5
        came.annotate(month=TruncMonth("session__starts_at"))
        .values_list("month")
        .annotate(n=Count("user", distinct=True))
        .values_list("month", "n")
    )
    categories = dict(concerns.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))  # 6
    statuses = dict(concerns.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))  # 7
    follow_ups_in = {  # 8: made each month, and how they closed (closing at the due minute is in time)
        _as_date(month): counts
        for month, *counts in follow_ups.annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(
            in_time=Count("pk", filter=Q(closed_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(closed_at__gt=F("due_at"))),
            still_open=Count("pk", filter=Q(closed_at__isnull=True)),
        )
        .values_list("month", "in_time", "late", "still_open")
    }

    sessions_in = {_as_date(month): n for month, n in per_month_sessions.items()}
    people_in = {_as_date(month): n for month, n in per_month_people.items()}
    months, follow_up_months = [], []
    month = start.replace(day=1)
    while month <= end:
        months.append((month, sessions_in.get(month, 0), people_in.get(month, 0)))
        follow_up_months.append((month, *follow_ups_in.get(month, (0, 0, 0))))
        month = (month + timedelta(days=32)).replace(day=1)
    follow_up_totals = FollowUpCounts(
        in_time=sum(row[1] for row in follow_up_months),
        late=sum(row[2] for row in follow_up_months),
        open=sum(row[3] for row in follow_up_months),
    )
    return Figures(
        start=start,
        end=end,
        group=group,
        outputs=[
            Row("Sessions run", run),
            Row("People who came", people),
            Row("Returning members (came to two sessions or more)", returning),
            Row("Concerns raised", sum(categories.values())),
        ],
        months=months,
        concerns_by_category=[Row(label, categories.get(value, 0)) for value, label in Concern.Category.choices],
        concerns_by_status=[Row(label, statuses.get(value, 0)) for value, label in Concern.Status.choices],
        follow_ups=follow_up_totals,
        follow_up_months=follow_up_months,
    )


def _as_date(value) -> date:
    """TruncMonth gives a datetime in the current time zone (a date on some databases)."""
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


# --- chart and CSV ---------------------------------------------------------------------------------------


def chart_svg(figures: Figures, *, dark: bool = False) -> str:
    """Sessions run and people who came, month by month, as an SVG bar chart with no script."""
    return _bar_chart(
        "Sessions run and people who came, by month",
        figures.months,
        {"Sessions run": [run for _, run, _ in figures.months], "People who came": [p for _, _, p in figures.months]},
        dark=dark,
    )


def follow_ups_chart_svg(figures: Figures, *, dark: bool = False) -> str:
    """Follow-ups made each month, stacked by how they closed: in time, late, still open."""
    rows = figures.follow_up_months
    return _bar_chart(
        "Follow-ups by month: closed in time, late, or still open",
        rows,
        {
            "Closed by their due time": [in_time for _, in_time, _, _ in rows],
            "Closed late": [late for _, _, late, _ in rows],
            "Still open": [still_open for _, _, _, still_open in rows],
        },
        dark=dark,
        stacked=True,
    )


def _bar_chart(title: str, months: list, series: dict[str, list[int]], *, dark: bool, stacked: bool = False) -> str:
    import pygal

    chart = (pygal.StackedBar if stacked else pygal.Bar)(**charts.options(dark=dark, title=title, labels=len(months)))
    chart.x_labels = [f"{month:%b %Y}" for month, *_ in months]
    for name, counts in series.items():
        chart.add(name, [plotted(count) for count in counts])
    return charts.render_svg(chart)


def as_csv(figures: Figures, *, extra: list[list[str]] = ()) -> str:
    """The figures as CSV; `extra` rows (already with small counts hidden) follow, after a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    scope = figures.group.name if figures.group is not None else "All groups"
    writer.writerow(["Peer Support figures", scope, f"{figures.start:%Y-%m-%d}", f"{figures.end:%Y-%m-%d}"])
    writer.writerow([f"Counts from 1 to {SMALL - 1} are shown as '{FEWER_THAN}' so that nobody can be picked out."])
    writer.writerow([])
    writer.writerow(["Figure", "Count"])
    for row in figures.outputs:
        writer.writerow([row.label, row.shown])
    writer.writerow([])
    writer.writerow(["Month", "Sessions run", "People who came"])
    for month, run, people in figures.months:
        writer.writerow([f"{month:%Y-%m}", shown(run), shown(people)])
    writer.writerow([])
    writer.writerow(["Follow-ups", "Count"])
    for row in figures.follow_ups.rows:
        writer.writerow([row.label, row.shown])
    writer.writerow([])
    writer.writerow(["Month", "Closed by their due time", "Closed late", "Still open"])
    for month, *counts in figures.follow_up_months:
        writer.writerow([f"{month:%Y-%m}", *map(shown, counts)])
    writer.writerow([])
    writer.writerow(["Concerns by category", "Count"])
    for row in figures.concerns_by_category:
        writer.writerow([row.label, row.shown])
    writer.writerow([])
    writer.writerow(["Concerns by where they are now", "Count"])
    for row in figures.concerns_by_status:
        writer.writerow([row.label, row.shown])
    if extra:
        writer.writerow([])
        writer.writerows(extra)
    return out.getvalue()
