"""Session pages: the group's list, a session's page, the confidential join, camera-off notices, the leaders'
scheduling, register and history pages, the calendar feed and the trustees' figures.

Views are thin: every lookup goes through sessions.permissions / groups.permissions, every change through
sessions.services. The meeting link is only ever sent as the Location of the single-use redirect (`go`),
or to a leader on the explicit "show or change the link" page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import carry_out
from groups.permissions import agreement_required, get_group_for_user
from sessions import attendance, calendar_feeds, camera_off_notices, ics, services
from sessions.entry import step_before_room
from sessions.forms import CameraOffForm, CancelForm, MeetingLinkForm, SeriesForm, SessionForm
from sessions.models import Attendance, CalendarFeed, GroupSession
from sessions.permissions import (
    get_camera_off_notice_for_user,
    get_member_for_leader,
    get_session_for_user,
    require_agreement,
    require_trustee,
)
from sessions.services import SessionStateError
from sessions.video import is_embedded as _video_is_embedded

PAST_SESSIONS_SHOWN = 20


def _refused(request: HttpRequest, session: GroupSession, message: str) -> HttpResponse:
    """A kind 'not now' page for the join flow (403: the request is understood but not allowed now)."""
    response = render(request, "sessions/join_refused.html", {"session": session, "message": message}, status=403)
    response["Cache-Control"] = "no-store"
    return response


# --- the group's sessions ---------------------------------------------------------------------


@login_required
@require_GET
def group_sessions(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug)
    sessions = group.sessions.without_link()
    upcoming = sessions.upcoming().order_by("starts_at")
    # Cancelled sessions that were still to come: listed apart, so nobody mistakes them for coming up.
    not_happening = Q(status=GroupSession.Status.CANCELLED, ends_at__gt=timezone.now())
    cancelled = sessions.filter(not_happening).order_by("starts_at")
    past = []
    if membership.is_leader:
        past = (
            sessions.past()
            .exclude(not_happening)
            .annotate(attended=Count("attendances"))
            .order_by("-starts_at")[:PAST_SESSIONS_SHOWN]
        )
    return render(
        request,
        "sessions/group_sessions.html",
        {"group": group, "membership": membership, "upcoming": upcoming, "cancelled": cancelled, "past": past},
    )


# --- one session ------------------------------------------------------------------------------


@login_required
@require_GET
@agreement_required
def detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session, membership = get_session_for_user(request.user, session_id)
    require_agreement(membership)
    context = {
        "session": session,
        "group": session.group,
        "membership": membership,
        "join_refusal": session.join_refusal(),
        "my_notices": camera_off_notices.my_camera_off_notices(request.user, session),
    }
    if membership.is_leader:
        context["camera_off_count"] = camera_off_notices.camera_off_notices_for(session).count()
        context["attended_count"] = session.attendances.count()
    return render(request, "sessions/detail.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@agreement_required
def join(request: HttpRequest, session_id: int) -> HttpResponse:
    """The online-safety reminder, then a POST for a single-use ticket that the `go` view turns into the meeting."""
    session, membership = get_session_for_user(request.user, session_id)
    require_agreement(membership)
    refusal = attendance.join_refusal(session, membership)
    if refusal:
        return _refused(request, session, refusal)
    if request.method == "GET" and (step := step_before_room(request, session, membership)):
        return redirect(step)
    if _video_is_embedded():
        # The call is in our own room page: after the online-safety reminder, members go there, and the
        # page asks for a credential at the moment they join the call (sessions/call.py).
        if request.method == "POST":
            return redirect("sessions:room", session_id=session.pk)
        return render(request, "sessions/join.html", {"session": session, "group": session.group, "embedded": True})
    if request.method == "POST":
        try:
            raw = attendance.issue_join_token(session, membership)
        except SessionStateError as refused:
            return _refused(request, session, str(refused))
        # A page that moves on by itself rather than a redirect: browsers apply the join form's CSP
        # form-action 'self' to every redirect that follows a form submission, so a chain ending at the
        # meeting's own site would be blocked. The page holds the ticket URL, never the meeting link.
        go_url = reverse("sessions:go", kwargs={"session_id": session.pk, "token": raw})
        return render(request, "sessions/join_opening.html", {"session": session, "go_url": go_url})
    return render(request, "sessions/join.html", {"session": session, "group": session.group})


@login_required
@never_cache
@require_GET
def go(request: HttpRequest, session_id: int, token: str) -> HttpResponse:
    """Use the ticket once and send the member on to the meeting. The only place a member receives the link."""
    session, membership = get_session_for_user(request.user, session_id)
    try:
        link = attendance.redeem_join_token(session, membership, token)
    except SessionStateError as refused:
        return _refused(request, session, str(refused))
    response = HttpResponseRedirect(link)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the meeting's site never learns our ticket URL
    return response


# --- scheduling (leaders) ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    form = SessionForm(request.POST or None, with_link=True)
    if request.method == "POST" and form.is_valid():
        session = services.create_session(
            group,
            actor=request.user,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.ends_at,
            **form.session_values(),
        )
        messages.success(request, "The session is scheduled.")
        return redirect("sessions:detail", session_id=session.pk)
    return render(request, "sessions/session_form.html", {"group": group, "form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def create_series(request: HttpRequest, slug: str) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sessions = services.create_series(
            group,
            actor=request.user,
            first_start=form.cleaned_data["starts_at"],
            length=form.length,
            every=form.cleaned_data["every"],
            count=form.cleaned_data["count"],
            **form.session_values(),
        )
        messages.success(request, f"{len(sessions)} sessions are scheduled.")
        return redirect("sessions:group", slug=group.slug)
    return render(request, "sessions/series_form.html", {"group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    if not session.can_change:
        messages.error(request, "Only sessions that haven't started yet can be changed.")
        return redirect("sessions:detail", session_id=session.pk)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                session,
                actor=request.user,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.ends_at,
                **form.session_values(),
            )
        except SessionStateError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "The session is updated.")
        return redirect("sessions:detail", session_id=session.pk)
    return render(request, "sessions/session_form.html", {"group": session.group, "session": session, "form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def meeting_link(request: HttpRequest, session_id: int) -> HttpResponse:
    """The one leader page that shows the link, on purpose, to check or replace it."""
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    form = MeetingLinkForm(request.POST or None, initial={"meeting_link": session.meeting_link})
    if request.method == "POST" and form.is_valid():
        carry_out(
            request,
            lambda: services.rotate_meeting_link(
                session, actor=request.user, new_link=form.cleaned_data["meeting_link"]
            ),
            done="The meeting link is saved. Members will only be sent to the new one.",
            refused=SessionStateError,
            level=messages.ERROR,
        )
        return redirect("sessions:detail", session_id=session.pk)
    return render(request, "sessions/meeting_link_form.html", {"session": session, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    if not session.can_change:
        messages.error(request, "Only sessions that haven't started yet can be cancelled.")
        return redirect("sessions:detail", session_id=session.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        carry_out(
            request,
            lambda: services.cancel_session(session, actor=request.user, message=form.cleaned_data["message"]),
            done="The session is cancelled. Members are being told by email.",
            refused=SessionStateError,
            level=messages.ERROR,
        )
        return redirect("sessions:detail", session_id=session.pk)
    return render(request, "sessions/cancel_form.html", {"session": session, "form": form})


def _change_state(request: HttpRequest, session_id: int, change, *, done: str) -> HttpResponse:
    """A leader opens or ends a session: the service checks the state it is in, and refuses kindly."""
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    carry_out(
        request,
        lambda: change(session, actor=request.user),
        done=done,
        refused=SessionStateError,
        level=messages.ERROR,
    )
    return redirect("sessions:detail", session_id=session.pk)


@login_required
@require_POST
def open_session(request: HttpRequest, session_id: int) -> HttpResponse:
    return _change_state(
        request, session_id, services.open_session, done="The session is open. Members can come into the room."
    )


@login_required
@require_POST
def end_session(request: HttpRequest, session_id: int) -> HttpResponse:
    return _change_state(
        request, session_id, services.end_session, done="The session has ended. Thank you for leading it."
    )


# --- attendance (leaders) ---------------------------------------------------------------------


@login_required
@require_GET
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    attendances = session.attendances.select_related("user").order_by("joined_at", "pk")
    return render(request, "sessions/register.html", {"session": session, "attendances": attendances})


@login_required
@require_GET
def member_history(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group, membership = get_member_for_leader(request.user, slug, user_id)
    attendances = (
        Attendance.objects.for_group(group)
        .filter(user_id=user_id)
        .select_related("session")
        .defer("session__meeting_link")
        .order_by("-session__starts_at")
    )
    return render(
        request,
        "sessions/member_history.html",
        {"group": group, "member": membership.user, "membership": membership, "attendances": attendances},
    )


# --- camera off -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@agreement_required
def camera_off(request: HttpRequest, session_id: int) -> HttpResponse:
    session, membership = get_session_for_user(request.user, session_id)
    require_agreement(membership)
    if session.is_cancelled or session.is_ended:
        messages.info(request, "This session is over, so there's nothing to tell the leaders for it.")
        return redirect("sessions:detail", session_id=session.pk)
    form = CameraOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        camera_off_notices.give_camera_off_notice(
            membership, session=session, reason=form.cleaned_data["reason"], standing=form.cleaned_data["standing"]
        )
        messages.success(request, "Thank you for letting the leaders know. That's absolutely fine.")
        return redirect("sessions:detail", session_id=session.pk)
    context = {
        "session": session,
        "form": form,
        "my_notices": camera_off_notices.my_camera_off_notices(request.user, session),
    }
    return render(request, "sessions/camera_off_form.html", context)


@login_required
@require_POST
def camera_off_withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_camera_off_notice_for_user(request.user, notice_id)
    camera_off_notices.withdraw_camera_off_notice(notice)
    messages.success(request, "Your camera-off note is withdrawn.")
    if notice.session_id:
        return redirect("sessions:detail", session_id=notice.session_id)
    return redirect("sessions:group", slug=notice.group.slug)


@login_required
@require_GET
def camera_off_list(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _ = get_session_for_user(request.user, session_id, leader=True)
    notices = camera_off_notices.camera_off_notices_for(session)
    return render(request, "sessions/camera_off_list.html", {"session": session, "notices": notices})


# --- calendar feed ----------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """Make, replace or stop the member's private calendar address. The address is shown once, when made."""
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feeds.revoke_calendar_feed(request.user)
            messages.success(request, "Your calendar address is switched off. Calendars using it will stop updating.")
            return redirect("sessions:calendar")
        raw = calendar_feeds.new_calendar_feed(request.user)
        feed_url = request.build_absolute_uri(reverse("sessions:calendar_feed", kwargs={"token": raw}))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "sessions/calendar.html", {"feed": feed, "feed_url": feed_url})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed: topics and times of the member's groups' sessions. No link, no names, no group names."""
    feed = CalendarFeed.find(token)
    if feed is None:
        raise Http404("No such calendar.")
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    sessions = GroupSession.objects.in_calendar_of(feed.user)
    response = HttpResponse(ics.build_calendar(sessions), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="peer-support-sessions.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- trustees' figures ------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """The first round's attendance table, now the funders' figures (one figures page: charts, periods, groups,
    follow-ups, wellbeing). Old bookmarks land there; still trustees only, so the address tells nobody else
    anything."""
    require_trustee(request.user)
    return redirect("safeguarding:funder_figures", permanent=True)
