"""Care pages: help now, the member's safety plan (and leaders' reading of shared ones), leaders' debriefs.

Pages that show a person's own words are never cached (`never_cache`: private, no-store).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from groups.permissions import get_group_for_user
from safeguarding.forms import posted
from sessions.models import GroupSession
from sessions.permissions import get_session_for_user
from wellbeing import services
from wellbeing.debrief_items import item_formset, items_from
from wellbeing.forms import DebriefForm, SafetyPlanForm
from wellbeing.models import Debrief, SafetyPlan
from wellbeing.permissions import get_shared_plan_for_leader, plans_shared_with
from wellbeing.templatetags.wellbeing import crisis_lines


def help_page(request: HttpRequest) -> HttpResponse:
    """Help now, for anyone (signed in or not): numbers to call or text, and the member's own safety plan."""
    plan = None
    if request.user.is_authenticated:
        plan = SafetyPlan.objects.filter(user=request.user).only("pk").first()
    return render(request, "wellbeing/help.html", {"lines": crisis_lines(), "plan": plan})


# --- the member's own safety plan -------------------------------------------------------------------


@never_cache
@login_required
def safety_plan(request: HttpRequest) -> HttpResponse:
    plan = SafetyPlan.objects.filter(user=request.user).first()
    groups = services.groups_to_share_with(request.user)
    initial = {}
    if plan is not None:
        initial = {section["name"]: section["text"] for section in plan.sections()}
        initial["shared_groups"] = list(plan.shared_with.all())
    form = SafetyPlanForm(posted(request), groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_safety_plan(user=request.user, sections=form.sections(), shared_groups=form.groups())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Your safety plan is saved. You can come back and change it at any time.")
            return redirect("wellbeing:safety_plan")
    return render(request, "wellbeing/safety_plan.html", {"form": form, "plan": plan})


@never_cache
@login_required
def safety_plan_print(request: HttpRequest) -> HttpResponse:
    """The plan to read or print: the sections written in, nothing else."""
    plan = SafetyPlan.objects.filter(user=request.user).first()
    if plan is None:
        return redirect("wellbeing:safety_plan")
    return render(
        request,
        "wellbeing/safety_plan_print.html",
        {"plan": plan, "sections": plan.sections(), "lines": crisis_lines()},
    )


@login_required
@require_POST
def safety_plan_delete(request: HttpRequest) -> HttpResponse:
    if services.delete_safety_plan(user=request.user):
        messages.success(request, "Your safety plan has been deleted. You can make a new one at any time.")
    return redirect("wellbeing:safety_plan")


# --- safety plans shared with a group's leaders -----------------------------------------------------


@never_cache
@login_required
def group_safety_plans(request: HttpRequest, slug: str) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    return render(request, "wellbeing/group_safety_plans.html", {"group": group, "plans": plans_shared_with(group)})


@never_cache
@login_required
def shared_safety_plan(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    group, plan = get_shared_plan_for_leader(request.user, slug, member_id)
    services.read_shared_safety_plan(plan, actor=request.user, group=group)
    return render(
        request, "wellbeing/shared_safety_plan.html", {"group": group, "plan": plan, "sections": plan.sections()}
    )


# --- debriefs ---------------------------------------------------------------------------------------------


@never_cache
@login_required
def session_debriefs(request: HttpRequest, session_id: int) -> HttpResponse:
    """The leaders' debriefs of one session, and the form for another (add-only: nothing here is edited)."""
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    data = posted(request)
    items = item_formset(data, session)
    adding_a_row = data is not None and bool(data.get("more_items"))
    # Adding a row is not saving: the words come back as they were, without "required" errors.
    form = DebriefForm(initial=data.dict()) if adding_a_row else DebriefForm(data)
    if data is not None and not adding_a_row and form.is_valid() and items.is_valid():
        try:
            services.add_debrief(session, actor=request.user, open_items=items_from(items), **form.cleaned_data)
        except services.DebriefRefused as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Thank you. Your debrief is saved for the group's leaders.")
            return redirect("wellbeing:session_debriefs", session_id=session.pk)
    debriefs = Debrief.objects.filter(session=session).select_related("author").order_by("created_at")
    context = {
        "session": session,
        "group": session.group,
        "debriefs": debriefs,
        "form": form,
        "items": items,
        "can_add": session.status == GroupSession.Status.ENDED,
        "carried": services.open_carry_forward(session.group),
    }
    return render(request, "wellbeing/session_debriefs.html", context)
