from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from groups.models import Membership, SupportGroup
from groups.permissions import get_group_for_user


def directory(request: HttpRequest) -> HttpResponse:
    groups = SupportGroup.objects.open_to_requests().only("name", "slug", "description", "meeting_rhythm")
    return render(request, "groups/directory.html", {"groups": groups})


@login_required
def my_groups(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .exclude(status=Membership.Status.LEFT)
        .select_related("group")
        .order_by("group__name")
    )
    return render(request, "groups/my_groups.html", {"memberships": memberships})


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug)
    return render(request, "groups/detail.html", {"group": group, "membership": membership})
