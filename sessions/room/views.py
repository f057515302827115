"""The room page, the leaders' dashboard, and their plain-HTTP fallbacks.

Every room action is an ordinary form POST that works without JavaScript; the pages' scripts use the
websocket instead, and fall back to these endpoints (fetch, JSON) while the socket is down. The
dashboard polls the snapshot endpoint while its socket is down.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import live
from groups.models import Membership
from groups.permissions import agreement_required
from safeguarding.models import Concern, Removal
from sessions import call
from sessions.call_views import video_call_page
from sessions.entry import step_before_room
from sessions.models import GroupSession
from sessions.permissions import get_session_for_user
from sessions.room import limit
from sessions.room.admission import RoomNotOpen, RoomRefused, get_room_for_user
from sessions.room.dispatch import perform
from sessions.room.leader_actions import CONCERN_KINDS
from sessions.room.member_actions import AFTER_END_CHECK_IN, chat_handle, check_in_after_end, check_in_due_after_end
from sessions.room.models import RoomParticipant
from sessions.room.outcome import NOT_DELIVERED
from sessions.room.presence import enter
from sessions.room.protocol import CHECK_IN_WORDS, ProtocolError, catalogue, error, parse
from sessions.room.snapshot import snapshot, welcome

# Over plain HTTP nothing can be relayed without the channel layer; say so plainly, and keep nothing.
NOT_DELIVERED_OVER_HTTP = {
    "message": (
        "Your message could not reach the leaders: the live connection isn't working just now. It has not been "
        "kept anywhere. You can raise your hand instead, or try again in a moment."
    ),
    "chat": (
        "Your chat message didn't arrive: the live connection isn't working just now. It has not been kept anywhere."
    ),
    "reply": "Your reply could not be delivered: the live connection isn't working just now. It was not kept.",
}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _room_or_not_open(request: HttpRequest, session_id: int, *, leader: bool = False):
    """(session, membership, None), or (None, None, a calm 'not open' page)."""
    try:
        session, membership = get_room_for_user(request.user, session_id, leader=leader)
    except RoomNotOpen as exc:
        session, _ = get_session_for_user(request.user, session_id)
        page = render(request, "sessions/room_not_open.html", {"session": session, "reason": str(exc)}, status=409)
        return None, None, page
    return session, membership, None


def _refusal_json(exc: Exception) -> JsonResponse:
    """get_room_for_user's refusals for the pages' scripts: the same status codes, with a code and kind words."""
    if isinstance(exc, RoomNotOpen):
        return JsonResponse(error("not_open", str(exc)), status=409)
    if isinstance(exc, PermissionDenied):
        return JsonResponse(error("forbidden", str(exc)), status=403)
    return JsonResponse(error("not_found", "No such session."), status=404)


def _leader_names(session) -> list[str]:
    leaders = Membership.objects.active().leaders().filter(group_id=session.group_id).select_related("user")
    return [m.user.name_with_pronouns for m in leaders.order_by("user__display_name")]


@never_cache
@login_required
@require_GET
@agreement_required
@video_call_page
def room_page(request: HttpRequest, session_id: int) -> HttpResponse:
    """The member's room. Opening it is coming into the room (works without JavaScript)."""
    session, membership, not_open = _room_or_not_open(request, session_id)
    if not_open:
        ended = GroupSession.objects.filter(pk=session_id, status=GroupSession.Status.ENDED).first()
        if ended and check_in_due_after_end(ended, request.user):
            return redirect("sessions:room_left", session_id=session_id)
        return not_open
    if membership.is_leader:
        return redirect("sessions:dashboard", session_id=session.pk)
    if step := step_before_room(request, session, membership):
        return redirect(step)
    live.deliver(enter(session, membership))
    guidelines = session.group.current_guidelines()
    context = {
        "session": session,
        "group": session.group,
        "principles": guidelines.principles.splitlines() if guidelines else [],
        "leaders": _leader_names(session),
        "state": welcome(session, request.user),
        "chat_handle": chat_handle(session.pk, request.user.pk),
        "check_in_choices": list(CHECK_IN_WORDS.items()),
        "room_protocol": catalogue(),
        "call": call.page_context(session, request.user, is_leader=False),
    }
    return render(request, "sessions/room.html", context)


@never_cache
@login_required
@require_GET
def room_state(request: HttpRequest, session_id: int) -> JsonResponse:
    """The member's own state, for the page's script while its socket is down; says why if they can't be in."""
    try:
        session, _ = get_room_for_user(request.user, session_id)
    except (Http404, PermissionDenied) as exc:
        return _refusal_json(exc)
    try:
        return JsonResponse(welcome(session, request.user))
    except RoomParticipant.DoesNotExist:
        return JsonResponse(error("not_in_room", "Please open the room page to come in."), status=409)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def room_left(request: HttpRequest, session_id: int) -> HttpResponse:
    """After leaving: a kind goodbye, and the way back in. Whoever was still in the room when a leader ended
    the session is offered the leaving check-in here (a plain form: it works without JavaScript)."""
    session, _ = get_session_for_user(request.user, session_id)
    due = check_in_due_after_end(session, request.user)
    error = ""
    if request.method == "POST":
        try:
            check_in_after_end(session, request.user, choice=request.POST.get("choice", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Thank you. The leaders have your check-in.")
            return redirect("sessions:room_left", session_id=session.pk)
    context = {"session": session, "check_in_due": due, "choices": AFTER_END_CHECK_IN, "error": error}
    return render(request, "sessions/room_left.html", context, status=400 if error else 200)


def _act(request: HttpRequest, session_id: int, *, leader: bool, back: str) -> HttpResponse:
    """Carry out one room action posted as a form (or by the script's fetch) and answer in kind."""
    try:
        session, _membership = get_room_for_user(request.user, session_id, leader=leader)
    except (Http404, PermissionDenied) as exc:
        if not _wants_json(request):
            raise
        return _refusal_json(exc)
    data = request.POST.dict()
    data["type"] = data.pop("action", "")
    data.pop("csrfmiddlewaretoken", None)
    try:
        command = parse(data, from_form=True)
        if command.type == "ping":
            raise ProtocolError("unknown_type", "That is not something the room understands.")
        limit.check(session.pk, request.user)  # one allowance per person, across sockets and HTTP
        outcome = perform(session.pk, request.user, command)
    except ProtocolError as exc:
        status = 429 if exc.code == "rate_limited" else 400
        return _answer(request, back, error(exc.code, exc.message), status=status)
    except RoomRefused as exc:
        return _answer(request, back, error(exc.code, exc.message), status=403)
    if not live.deliver(outcome):
        message = NOT_DELIVERED_OVER_HTTP.get(command.type, NOT_DELIVERED)
        return _answer(request, back, error("not_delivered", message), status=503)
    if command.type == "leave":
        back = reverse("sessions:room_left", args=[session.pk])
    elif command.type == "end_session":
        back = reverse("sessions:detail", args=[session.pk])
    return _answer(request, back, outcome.reply)


def _answer(request: HttpRequest, back: str, payload: dict, *, status: int = 200) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(payload, status=status)
    (messages.error if payload.get("type") == "error" else messages.success)(request, payload["message"])
    return redirect(back)


@never_cache
@login_required
@require_POST
def room_action(request: HttpRequest, session_id: int) -> HttpResponse:
    return _act(request, session_id, leader=False, back=reverse("sessions:room", args=[session_id]))


# --- the leaders' dashboard ----------------------------------------------------------------------


@never_cache
@login_required
@require_GET
@video_call_page
def dashboard(request: HttpRequest, session_id: int) -> HttpResponse:
    session, membership, not_open = _room_or_not_open(request, session_id, leader=True)
    if not_open:
        return not_open
    # Coming in is the one write here (as on the member's room page: opening it is entering the room, and works
    # without JavaScript); it writes nothing when the leader is already in. Welfare prompts are made by the
    # beat task and the leaders' heartbeat (sessions/room/welfare.py: prompt_welfare), never by a GET.
    live.deliver(enter(session, membership))
    room = snapshot(session)
    alerts = _with_times(room["alerts"], created_dt="created_at")
    context = {
        "session": session,
        "group": session.group,
        "snapshot": room,
        # The order is the snapshot's (`attention`, snapshot.attention), the same key dashboard.js sorts by.
        "participants": _with_marks(
            sorted(
                _with_times(room["participants"], stepped_out_dt="stepped_out_at", left_dt="left_at"),
                key=lambda p: p["attention"],
            ),
            room,
            welfare_minutes=session.group.welfare_threshold_minutes,
        ),
        "hands": [a for a in alerts if a["needs_you"] == "hand"],
        # Urgent first (triggering, welfare, private messages, "contact me" not yet seen), then newest first.
        "other_alerts": sorted((a for a in reversed(alerts) if a["kind"] != "hand"), key=lambda a: not a["needs_you"]),
        # The same <option>s in every row of the roster: built once, not once per person (bench/: pages).
        "removal_reason_options": format_html_join("", '<option value="{}">{}</option>', Removal.Reason.choices),
        "concern_categories": Concern.Category.choices,
        "risk_levels": Concern.RiskLevel.choices,
        "concern_kinds": sorted(CONCERN_KINDS),
        "write_kinds": ["message", "triggered", "check_in", "held_chat", "welfare"],  # care.permissions
        "call": call.page_context(session, request.user, is_leader=True),
        "room_protocol": catalogue(),
    }
    return render(request, "sessions/dashboard.html", context)


def _with_marks(people: list[dict], snapshot: dict, *, welfare_minutes: int) -> list[dict]:
    """What each row of the roster says besides the payload: the marks (hand up, an alert that needs a look,
    camera off: from the alerts' `needs_you`) and, for someone stepped out, for how many minutes and whether
    that is longer than the group's threshold. dashboard.js (personView) keeps the same words current."""
    alerts = snapshot["alerts"]
    hands = {a["user_id"] for a in alerts if a["needs_you"] == "hand"}
    flagged = {a["user_id"] for a in alerts if a["needs_you"] not in (None, "hand")}
    camera_off = {n["user_id"] for n in snapshot["camera_off"]}
    now = timezone.now()
    for person in people:
        user_id = person["user_id"]
        person["marks"] = [
            label
            for label, on in (("Hand up", hands), ("Needs a look", flagged), ("Camera off", camera_off))
            if user_id in on
        ]
        if person["stepped_out_dt"]:
            person["minutes_out"] = int((now - person["stepped_out_dt"]).total_seconds() // 60)
            person["overdue"] = person["minutes_out"] >= welfare_minutes
    return people


def _with_times(items: list[dict], **fields: str) -> list[dict]:
    """Copies of snapshot items with datetimes for the template's time filters (the snapshot holds ISO text)."""
    return [
        {**item, **{name: parse_datetime(item[key]) if item[key] else None for name, key in fields.items()}}
        for item in items
    ]


@never_cache
@login_required
@require_GET
def dashboard_snapshot(request: HttpRequest, session_id: int) -> JsonResponse:
    """The room's state as JSON, polled by the dashboard while its socket is down."""
    try:
        session, _ = get_room_for_user(request.user, session_id, leader=True)
    except (Http404, PermissionDenied) as exc:
        return _refusal_json(exc)
    return JsonResponse(snapshot(session))  # reads only: the welfare prompts are the beat task's


@never_cache
@login_required
@require_POST
def dashboard_action(request: HttpRequest, session_id: int) -> HttpResponse:
    return _act(request, session_id, leader=True, back=reverse("sessions:dashboard", args=[session_id]))
