"""Conversation pages: the list, one conversation, and starting one (a member to the leaders; a leader from a
follow-up or a concern). Plain forms; the words are only ever shown to the people in the conversation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from care import conversations as service
from care.models import Conversation
from care.permissions import get_follow_up_for_leader, get_room_alert_for_leader
from groups.models import Membership
from groups.permissions import get_group_for_user
from safeguarding.permissions import concern_role, get_concern_for_user


@never_cache
@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    """The user's conversations, newest first, with unread counts; and where they can start one."""
    found = list(service.conversations_for(request.user)[:200])
    unread = service.unread_by_conversation(request.user, found)
    for conversation in found:
        conversation.unread = unread.get(conversation.pk, 0)
        conversation.is_mine = conversation.member_id == request.user.pk
    can_write_to = (
        Membership.objects.active()
        .members()
        .filter(user=request.user, group__is_archived=False)
        .select_related("group")
        .order_by("group__name")
    )
    context = {"conversations": found, "can_write_to": [m.group for m in can_write_to]}
    return render(request, "care/conversations.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, role = service.get_conversation_for_user(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            service.send_message(conversation, actor=request.user, body=request.POST.get("body", ""))
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(request, "Sent.")
            return redirect("care:conversation", pk=conversation.pk)
    service.mark_read(conversation, user=request.user, role=role)
    context = {
        "conversation": conversation,
        "role": role,
        "thread": conversation.messages.select_related("author"),
        "error": error,
        "body": request.POST.get("body", "") if error else "",
        "can_write": role in ("member", "leader"),
    }
    return render(request, "care/conversation.html", context, status=400 if error else 200)


def _write(request: HttpRequest, *, group, heading: str, intro: str, **link) -> HttpResponse:
    """The form that starts (or continues) a conversation."""
    error = ""
    if request.method == "POST":
        try:
            started = service.start_conversation(
                actor=request.user, group=group, body=request.POST.get("body", ""), **link
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Sent.")
            return redirect("care:conversation", pk=started.pk)
    context = {"group": group, "heading": heading, "intro": intro, "error": error, "body": request.POST.get("body", "")}
    return render(request, "care/write.html", context, status=400 if error else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def message_leaders(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Message the leaders": a member writes to their group's leaders at any time."""
    group, membership = get_group_for_user(request.user, slug)
    if membership.is_leader:
        raise PermissionDenied("Leaders write to a member from a follow-up or a concern.")
    existing = Conversation.objects.filter(group=group, member=request.user, follow_up=None, concern=None).first()
    if existing and request.method == "GET":
        return redirect("care:conversation", pk=existing.pk)
    return _write(
        request,
        group=group,
        heading=f"Message the leaders of {group.name}",
        intro=(
            "Only the group's leaders read this. They will answer here, and you'll get an email saying "
            "there is a reply (never what it says)."
        ),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def follow_up_write(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader writes to the member a follow-up is about."""
    follow_up = get_follow_up_for_leader(request.user, pk)
    if follow_up.member_id is None:
        raise Http404("This follow-up is not about one member.")
    existing = follow_up.conversations.first()
    if existing and request.method == "GET":
        return redirect("care:conversation", pk=existing.pk)
    return _write(
        request,
        group=follow_up.group,
        heading=f"Write to {follow_up.member.display_name}",
        intro=(
            f"From the leaders of {follow_up.group.name}. They'll get an email saying there is a message "
            "(never what it says), and can answer here."
        ),
        follow_up=follow_up,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def concern_write(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader writes to the member a concern is about (or who raised it), from the concern's page."""
    concern = get_concern_for_user(request.user, pk)
    if concern_role(request.user, concern) != "leader":
        raise PermissionDenied("The group's leaders start a conversation about a concern.")
    existing = concern.conversations.first()
    if existing and request.method == "GET":
        return redirect("care:conversation", pk=existing.pk)
    member = service.conversation_member_for(concern)
    name = member.display_name if member else "the member"
    return _write(
        request,
        group=concern.group,
        heading=f"Write to {name} about this concern",
        intro=(
            "They'll get an email saying there is a message (never what it says). "
            "The conversation stays with the concern."
        ),
        concern=concern,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def alert_write(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader writes to a member about something from a session (a private message whose words were shown only
    to the leaders present then): it continues the member's conversation with the group's leaders."""
    alert = get_room_alert_for_leader(request.user, pk)
    existing = Conversation.objects.filter(
        group=alert.session.group, member=alert.user, follow_up=None, concern=None
    ).first()
    if existing and request.method == "GET":
        return redirect("care:conversation", pk=existing.pk)
    return _write(
        request,
        group=alert.session.group,
        heading=f"Write to {alert.user.display_name}",
        intro=(
            f"About the session “{alert.session.topic}”. They'll get an email saying there is a message "
            "(never what it says), and can answer here."
        ),
        member=alert.user,
    )
