"""The check-in pages: the monthly questions before the room, the member's own answers, the group's switch.

A member's answers are theirs: the pages that show them are never cached, and only they can open them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import charts
from groups.permissions import get_group_for_user
from sessions.permissions import get_session_for_user
from wellbeing.checkin import services
from wellbeing.checkin.forms import CheckInForm, SwitchForm
from wellbeing.checkin.models import GroupCheckIn
from wellbeing.checkin.questions import ATTRIBUTION, LOWER_IS_BETTER, QUESTIONS, SCALE, SHORT


def _next(request: HttpRequest, session) -> str:
    """Where the member was going (our own site only), or the session's join page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("sessions:join", args=[session.pk])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _ = get_session_for_user(request.user, session_id)
    onward = _next(request, session)
    if not GroupCheckIn.asks_for(session.group):
        return redirect(onward)
    if request.method == "POST" and "stop" in request.POST:
        services.set_wants_check_in(request.user, wants=False)
        messages.success(
            request, "We won't ask you these questions again. You can switch them back on in your account."
        )
        return redirect(onward)
    form = CheckInForm(request.POST if request.method == "POST" and "skip" not in request.POST else None)
    if request.method == "POST":
        if "skip" in request.POST:
            services.skip_check_in(user=request.user, session=session)
            return redirect(onward)
        if form.is_valid():
            services.answer_check_in(user=request.user, session=session, scores=form.scores())
            messages.success(request, "Thank you. Only you can see your answers; the charity sees averages only.")
            return redirect(onward)
    context = {
        "session": session,
        "form": form,
        "next": onward,
        "scale": SCALE,
        "attribution": ATTRIBUTION,
    }
    return render(request, "wellbeing/check_in.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_check_ins(request: HttpRequest) -> HttpResponse:
    """The member's own answers over time (a chart and a table), and their switch for the check-in."""
    if request.method == "POST":
        form = SwitchForm(request.POST)
        if form.is_valid():
            wants = form.cleaned_data["asks"]
            services.set_wants_check_in(request.user, wants=wants)
            messages.success(
                request,
                "We'll offer you the wellbeing questions once a month in groups that ask them."
                if wants
                else "We won't ask you the wellbeing questions. You can switch them back on here at any time.",
            )
        return redirect("wellbeing:my_check_ins")
    answers = [(answer, answer.scores()) for answer in services.answers_of(request.user)]
    context = {
        "rows": [(answer, [scores[key] for key, _ in QUESTIONS]) for answer, scores in answers],
        "headings": [SHORT[key] for key, _ in QUESTIONS],
        "questions": QUESTIONS,
        "wants": services.wants_check_in(request.user),
        "attribution": ATTRIBUTION,
    }
    return render(request, "wellbeing/my_check_ins.html", context)


@never_cache
@login_required
@require_GET
def my_check_ins_chart(request: HttpRequest) -> HttpResponse:
    import pygal

    answers = [(answer, answer.scores()) for answer in services.answers_of(request.user)]
    options = charts.options(dark=request.GET.get("scheme") == "dark", title="My answers", labels=len(answers))
    chart = pygal.Line(range=(0, 10), allow_interruptions=True, **options)
    chart.x_labels = [f"{answer.month:%b %Y}" for answer, _ in answers]
    for key, _ in QUESTIONS:
        name = SHORT[key] + (" (lower is calmer)" if key == LOWER_IS_BETTER else "")
        chart.add(name, [scores[key] for _, scores in answers])
    return charts.svg_response(charts.render_svg(chart))


@login_required
@require_POST
def group_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """A group's leaders switch the monthly check-in on or off (from the group's settings page)."""
    group, _ = get_group_for_user(request.user, slug, leader=True)
    form = SwitchForm(request.POST)
    if form.is_valid() and services.set_group_check_in(group, actor=request.user, asks=form.cleaned_data["asks"]):
        messages.success(
            request,
            "Members will be offered the wellbeing questions before their first session each month."
            if form.cleaned_data["asks"]
            else "Members won't be asked the wellbeing questions.",
        )
    return redirect(f"{reverse('groups:room_settings', args=[group.slug])}#check-in-heading")
