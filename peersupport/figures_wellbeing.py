"""The ONS4 check-in in the funders' figures: how many answered, and the average of each question.

Nothing is shown from fewer than 5 people: not the period's averages, not a question's, not a month's (the
same small-number rule as the other figures, counted in people rather than answers, since one person may
answer in several groups). Averages only: no individual answer leaves the member's own page and export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core import charts
from peersupport.figures import SMALL, bounds, shown
from wellbeing.checkin.aggregates import answers_between
from wellbeing.checkin.questions import LOWER_IS_BETTER, QUESTIONS, SHORT

HIDDEN = "not shown"


def label(key: str) -> str:
    return SHORT[key] + (" (lower is calmer)" if key == LOWER_IS_BETTER else "")


@dataclass
class QuestionRow:
    label: str
    mean: float | None  # None when fewer than SMALL people answered it
    people: int
    responses: int

    @property
    def shown_mean(self) -> str:
        return HIDDEN if self.mean is None else f"{self.mean:.1f}"

    @property
    def shown_responses(self) -> str:
        return shown(self.responses) if self.people >= SMALL else shown(min(self.responses, SMALL - 1))


@dataclass
class WellbeingFigures:
    people: int = 0
    responses: int = 0
    questions: list[QuestionRow] = field(default_factory=list)
    months: list[tuple[date, int, dict[str, float | None]]] = field(default_factory=list)  # (month, people, means)

    @property
    def enough(self) -> bool:
        return self.people >= SMALL

    @property
    def rows(self) -> list[tuple[str, str]]:
        answers = self.responses if self.enough else min(self.responses, SMALL - 1)
        return [("People who answered", shown(self.people)), ("Answers", shown(answers))]

    @property
    def month_rows(self) -> list[tuple[date, str, list[str]]]:
        return [
            (month, shown(people), [HIDDEN if means[key] is None else f"{means[key]:.1f}" for key, _ in QUESTIONS])
            for month, people, means in self.months
        ]


def _summarise(answers: list[tuple[date, int, dict]]) -> tuple[int, int, list[QuestionRow]]:
    people = {user for _, user, _ in answers}
    rows = []
    for key, _ in QUESTIONS:
        given = [(user, scores[key]) for _, user, scores in answers if scores.get(key) is not None]
        who = {user for user, _ in given}
        mean = sum(score for _, score in given) / len(given) if len(who) >= SMALL else None
        rows.append(QuestionRow(label(key), mean, len(who), len(given)))
    return len(people), len(answers), rows


def wellbeing_figures_for(*, start: date, end: date, group=None) -> WellbeingFigures:
    """The period's averages and month by month, for one group or all. One query, whatever the period."""
    since, until = bounds(start, end)
    answers = answers_between(since, until, group=group)
    people, responses, questions = _summarise(answers)
    by_month: dict[date, list] = {}
    for answer in answers:
        by_month.setdefault(answer[0], []).append(answer)
    months = []
    for month in sorted(by_month):
        month_people, _, month_rows = _summarise(by_month[month])
        months.append(
            (month, month_people, {key: row.mean for (key, _), row in zip(QUESTIONS, month_rows, strict=True)})
        )
    return WellbeingFigures(people=people, responses=responses, questions=questions, months=months)


def chart_svg(figures: WellbeingFigures, *, dark: bool = False) -> str:
    """Each question's monthly average (0-10) as lines; months with fewer than 5 people are gaps."""
    import pygal

    options = charts.options(
        dark=dark, title="Wellbeing check-in: average answers by month", labels=len(figures.months)
    )
    chart = pygal.Line(range=(0, 10), allow_interruptions=True, **options)
    chart.x_labels = [f"{month:%b %Y}" for month, _, _ in figures.months]
    for key, _ in QUESTIONS:
        chart.add(label(key), [means[key] for _, _, means in figures.months])
    return charts.render_svg(chart)


def csv_rows(figures: WellbeingFigures) -> list[list[str]]:
    rows = [["Wellbeing check-in (ONS4)", "Count"], *[[name, value] for name, value in figures.rows]]
    rows += [[], ["Question", "Average (0 to 10)", "Answers"]]
    rows += [[q.label, q.shown_mean, q.shown_responses] for q in figures.questions]
    rows += [[], ["Month", "People who answered", *[label(key) for key, _ in QUESTIONS]]]
    rows += [[f"{month:%Y-%m}", people, *means] for month, people, means in figures.month_rows]
    return rows
