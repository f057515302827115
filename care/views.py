"""The leaders' follow-ups page, and claiming and closing a follow-up (plain forms, no JavaScript needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from care import services
from care.models import FollowUp
from care.permissions import get_follow_up_for_leader
from groups.permissions import get_group_for_user

RECENTLY_CLOSED_SHOWN = 20


@never_cache
@login_required
@require_GET
def group_follow_ups(request: HttpRequest, slug: str) -> HttpResponse:
    """The group's follow-ups: open ones by due time, then the latest closed ones."""
    group, _ = get_group_for_user(request.user, slug, leader=True)
    follow_ups = FollowUp.objects.for_group(group).select_related("member", "owner", "session", "closed_by")
    context = {
        "group": group,
        "open": list(follow_ups.open().order_by("due_at", "id")),
        "closed": list(
            follow_ups.filter(closed_at__isnull=False).order_by("-closed_at", "-id")[:RECENTLY_CLOSED_SHOWN]
        ),
    }
    return render(request, "care/group_follow_ups.html", context)


def _back(follow_up: FollowUp):
    return redirect("care:group_follow_ups", slug=follow_up.group.slug)


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_follow_up_for_leader(request.user, pk)
    try:
        services.claim_follow_up(follow_up, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You have taken on the follow-up for {follow_up.short_label}.")
    return _back(follow_up)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_follow_up_for_leader(request.user, pk)
    try:
        services.close_follow_up(follow_up, actor=request.user, outcome=request.POST.get("outcome", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The follow-up for {follow_up.short_label} is closed.")
    return _back(follow_up)
