"""The trustees' figures page for funders: choose a period and a group; table, chart (SVG) and CSV."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core import charts
from groups.models import SupportGroup
from members.roles import is_trustee
from peersupport import figures as figure_rules
from peersupport import figures_wellbeing


def _require_trustee(request: HttpRequest) -> None:
    from django.core.exceptions import PermissionDenied

    if not is_trustee(request.user):
        raise PermissionDenied("Only the charity's trustees can see these figures.")


class PeriodForm(forms.Form):
    group = forms.ModelChoiceField(
        label="Group", queryset=SupportGroup.objects.order_by("name"), required=False, empty_label="All groups"
    )
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "Please choose an end on or after the start.")
            elif (end - start).days > 3 * 366:
                self.add_error("end", "Please choose a period of three years or less.")
        return cleaned


def _period(request: HttpRequest):
    """The chosen period (a year to today by default) and the form showing it, or its errors."""
    today = timezone.localdate()
    default = {"start": (today - timedelta(days=364)).replace(day=1), "end": today, "group": None}
    if not request.GET:
        return PeriodForm(initial=default), default
    form = PeriodForm(request.GET)
    return form, (form.cleaned_data if form.is_valid() else default)


@login_required
def funder_figures(request: HttpRequest) -> HttpResponse:
    _require_trustee(request)
    form, period = _period(request)
    figures = funder_figures_for(period)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "figures": figures,
        "wellbeing": wellbeing_figures_for(period),
        "query": query,
        "fewer_than": figure_rules.FEWER_THAN,
    }
    return render(request, "safeguarding/funder_figures.html", context)


def funder_figures_for(period: dict):
    return figure_rules.figures_for(start=period["start"], end=period["end"], group=period.get("group"))


def wellbeing_figures_for(period: dict):
    return figures_wellbeing.wellbeing_figures_for(start=period["start"], end=period["end"], group=period.get("group"))


@login_required
def funder_figures_chart(request: HttpRequest) -> HttpResponse:
    return _chart(request, figure_rules.chart_svg)


@login_required
def funder_figures_follow_ups_chart(request: HttpRequest) -> HttpResponse:
    return _chart(request, figure_rules.follow_ups_chart_svg)


@login_required
def funder_figures_wellbeing_chart(request: HttpRequest) -> HttpResponse:
    return _chart(request, figures_wellbeing.chart_svg, figures_for=wellbeing_figures_for)


def _chart(request: HttpRequest, draw, *, figures_for=funder_figures_for) -> HttpResponse:
    _require_trustee(request)
    _, period = _period(request)
    return charts.svg_response(draw(figures_for(period), dark=request.GET.get("scheme") == "dark"))


@login_required
def funder_figures_csv(request: HttpRequest) -> HttpResponse:
    _require_trustee(request)
    _, period = _period(request)
    figures = funder_figures_for(period)
    text = figure_rules.as_csv(figures, extra=figures_wellbeing.csv_rows(wellbeing_figures_for(period)))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="peer-support-figures-{figures.start:%Y-%m-%d}-to-{figures.end:%Y-%m-%d}.csv"'
    )
    return response
