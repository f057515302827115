"""The group pages that also show other apps' records: my groups, the group page, the leaders' members list.

They read sessions (the next one, the upcoming ones, who came last) and follow-ups (how many are open), which
sit above groups: so these pages live in the top layer. peersupport/urls.py serves them under the "groups"
names with the rest of the group pages (groups/urls.py). Lookups still go through groups.permissions.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, DateTimeField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from care.models import FollowUp
from groups import rhythm
from groups.forms import InvitationForm
from groups.models import Membership
from groups.permissions import get_group_for_user
from sessions.models import Attendance, GroupSession

UPCOMING_SESSIONS_SHOWN = 6


def with_last_attendance(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Annotate last_attended_at: when the person last came to one of the group's sessions (None if never)."""
    latest = (
        Attendance.objects.filter(session__group=OuterRef("group"), user=OuterRef("user"))
        .order_by("-joined_at")
        .values("joined_at")[:1]
    )
    return memberships.annotate(last_attended_at=Subquery(latest, output_field=DateTimeField()))


def with_open_follow_ups(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Annotate open_follow_ups: how many follow-ups of the group are still open (for its leaders' list)."""
    count = (
        FollowUp.objects.open()
        .filter(group=OuterRef("group"))
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return memberships.annotate(open_follow_ups=Coalesce(Subquery(count), 0))


def with_next_session(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Annotate next_session_id, _starts_at, _topic and _status: the group's next session not yet over
    (one a leader has opened comes first: it is happening now)."""
    open_first = Case(When(status=GroupSession.Status.OPEN, then=Value(0)), default=Value(1))
    upcoming = GroupSession.objects.upcoming().filter(group=OuterRef("group")).order_by(open_first, "starts_at")
    fields = ("id", "starts_at", "topic", "status")
    return memberships.annotate(**{f"next_session_{name}": Subquery(upcoming.values(name)[:1]) for name in fields})


@login_required
def my_groups(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user, status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING])
        .select_related("group")
        .filter(group__is_archived=False)
        .with_agreement_state()
        .order_by("group__name")
    )
    memberships = list(with_open_follow_ups(with_next_session(memberships)))
    context = {
        "leading": [m for m in memberships if m.is_leader],
        "member_of": [m for m in memberships if m.is_active and not m.is_leader],
        "pending": [m for m in memberships if m.is_pending],
    }
    return render(request, "groups/my_groups.html", context)


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug)
    guidelines = group.current_guidelines()
    agreed = membership.has_agreed_to_current(guidelines)
    # Each links to the session's page, which sends anyone who has not agreed yet to the agree page first.
    sessions = list(GroupSession.objects.upcoming().filter(group=group).without_link()[:UPCOMING_SESSIONS_SHOWN])
    leaders = (
        Membership.objects.active().leaders().filter(group=group).select_related("user").order_by("user__display_name")
    )
    context = {
        "group": group,
        "membership": membership,
        "guidelines": guidelines,
        "agreed": agreed,
        "sessions": sessions,
        "leader_names": [m.user.name_with_pronouns for m in leaders],
        # Leaders are told when the planned sessions don't match the rhythm members read (groups/rhythm.py).
        "rhythm_warning": rhythm.disagreement(group.meeting_rhythm, sessions) if membership.is_leader else None,
    }
    return render(request, "groups/detail.html", context)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug, leader=True)
    everyone = list(
        with_last_attendance(
            group.memberships.exclude(status__in=[Membership.Status.LEFT, Membership.Status.DECLINED])
            .select_related("user")
            .order_by("user__display_name", "pk")
        )
    )
    context = {
        "group": group,
        "membership": membership,
        "pending": sorted((m for m in everyone if m.is_pending), key=lambda m: m.requested_at),
        "people": [m for m in everyone if not m.is_pending],
        "invitations": group.invitations.select_related("created_by", "used_by")[:50],
        "invitation_form": InvitationForm(),
    }
    return render(request, "groups/members.html", context)
