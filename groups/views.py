"""Group pages: directory, joining and agreement, leaving, and the leaders' decisions about members.

The pages that also show sessions and follow-ups (my groups, the group page, the leaders' members list) are in
the top layer: peersupport/group_pages.py.

Views are thin: every lookup goes through groups.permissions, every change through groups.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.actions import carry_out
from groups import invitations, services, texts
from groups.forms import (
    AgreementForm,
    DeclineForm,
    GuidelinesForm,
    InvitationForm,
    JoinRequestForm,
    PhraseTestForm,
    RoomSettingsForm,
)
from groups.models import SupportGroup
from groups.permissions import (
    agree_url,
    get_group_for_user,
    get_invitation_for_leader,
    get_membership_for_leader,
    get_open_group,
)
from groups.wordlist import matched_word


def _safe_next(request: HttpRequest, fallback: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


# --- public and member pages --------------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    groups = SupportGroup.objects.open_to_requests().only("name", "slug", "description", "meeting_rhythm")
    return render(request, "groups/directory.html", {"groups": groups})


@login_required
def ask_to_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_open_group(slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        carry_out(
            request,
            lambda: services.request_to_join(group, user=request.user, note=form.cleaned_data["note"]),
            done=f"Thank you for asking to join {group.name}. We've let the group's leaders know, "
            "and you'll get an email when they reply.",
            refused=services.GroupActionRefused,
        )
        return redirect("groups:mine")
    return render(request, "groups/ask_to_join.html", {"group": group, "form": form})


@login_required
def agree(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug)
    guidelines = group.current_guidelines()
    next_url = _safe_next(request, group.get_absolute_url())
    if guidelines is None or membership.has_agreed_to_current(guidelines):
        return redirect(next_url)
    form = AgreementForm(request.POST or None, initial={"version": guidelines.pk})
    if request.method == "POST" and form.is_valid():
        # The version the person read: if the guidelines changed meanwhile, the service refuses kindly.
        read = group.guideline_versions.filter(pk=form.cleaned_data["version"]).first() or guidelines
        try:
            services.agree(membership, version=read)
        except services.GroupActionRefused as refusal:
            messages.info(request, str(refusal))
            return redirect(agree_url(group, next_url))
        messages.success(request, "Thank you for agreeing to the group's guidelines.")
        return redirect(next_url)
    previous = group.guideline_versions.filter(agreements__user=request.user).exists()
    context = {"group": group, "guidelines": guidelines, "form": form, "next": next_url, "asked_again": previous}
    return render(request, "groups/agree.html", context)


@login_required
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug, allow_pending=True)
    if request.method == "POST":
        was_pending = membership.is_pending
        try:
            services.leave_group(membership)
        except services.GroupActionRefused as refusal:
            messages.info(request, str(refusal))
            return redirect(group.get_absolute_url())
        if was_pending:
            messages.success(request, f"You've withdrawn your request to join {group.name}.")
        else:
            messages.success(request, f"You've left {group.name}. Thank you for being part of it; take care.")
            return redirect(reverse("groups:mine") + "?left=1")  # the goodbye shows where help is
        return redirect("groups:mine")
    return render(request, "groups/leave.html", {"group": group, "membership": membership})


# --- leaders ------------------------------------------------------------------------------------


@login_required
@require_POST
def approve(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, target = get_membership_for_leader(request.user, slug, membership_id)
    carry_out(
        request,
        lambda: services.approve_request(target, actor=request.user),
        done=f"{target.user.display_name} is now a member. We've emailed them a welcome.",
        refused=services.GroupActionRefused,
    )
    return redirect("groups:members", group.slug)


@login_required
def decline(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, target = get_membership_for_leader(request.user, slug, membership_id)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        carry_out(
            request,
            lambda: services.decline_request(target, actor=request.user, message=form.cleaned_data["message"]),
            done=f"We've let {target.user.display_name} know, kindly.",
            refused=services.GroupActionRefused,
        )
        return redirect("groups:members", group.slug)
    return render(request, "groups/decline.html", {"group": group, "target": target, "form": form})


@login_required
@require_POST
def make_leader(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, target = get_membership_for_leader(request.user, slug, membership_id)
    carry_out(
        request,
        lambda: services.appoint_leader(target, actor=request.user),
        done=f"{target.user.display_name} is now a leader of {group.name}.",
        refused=services.GroupActionRefused,
    )
    return redirect("groups:members", group.slug)


@login_required
@require_POST
def step_down(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, target = get_membership_for_leader(request.user, slug, membership_id)
    try:
        services.step_down(target, actor=request.user)
    except services.GroupActionRefused as refusal:
        messages.info(request, str(refusal))
        return redirect("groups:members", group.slug)
    if target.user_id == request.user.pk:
        messages.success(request, f"You've stepped down as a leader of {group.name}. Thank you.")
        return redirect(group.get_absolute_url())
    messages.success(request, f"{target.user.display_name} is no longer a leader of {group.name}.")
    return redirect("groups:members", group.slug)


@never_cache
@login_required
@require_POST
def create_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.info(request, "Please choose how many days the link should work for (1 to 60).")
        return redirect("groups:members", group.slug)
    invitation, token = invitations.create_invitation(
        group, actor=request.user, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
    )
    # The raw token is shown this once and never stored: this response is the only place it exists.
    url = request.build_absolute_uri(reverse("groups:invitation", args=[token]))
    return render(request, "groups/invitation_created.html", {"group": group, "invitation": invitation, "url": url})


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    group, invitation = get_invitation_for_leader(request.user, slug, invitation_id)
    carry_out(
        request,
        lambda: invitations.revoke_invitation(invitation, actor=request.user),
        done="The invitation is withdrawn: its link no longer works.",
        refused=services.GroupActionRefused,
    )
    return redirect("groups:members", group.slug)


@login_required
def edit_guidelines(request: HttpRequest, slug: str) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    current = group.current_guidelines()
    form = GuidelinesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_guidelines(group, actor=request.user, **form.cleaned_data)
        except services.GroupActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Version {version.number} of the guidelines is published. "
                "Members will be asked to read and agree to it before their next session.",
            )
            return redirect(group.get_absolute_url())
    return render(request, "groups/edit_guidelines.html", {"group": group, "form": form, "current": current})


# --- invitations --------------------------------------------------------------------------------


# How a refused invitation answers: unknown links are not found and spent ones are gone. A link that still
# works (for another group, or for someone who may not join now) answers 200: Django logs the path of every
# 4xx response, and that path holds a live token.
REFUSAL_STATUS = {"unknown": 404, "other_group": 200, "not_allowed": 200}


def _invitation_refused(request: HttpRequest, refusal: invitations.InvitationRefused) -> HttpResponse:
    status = REFUSAL_STATUS.get(refusal.code, 410)
    return render(request, "groups/invitation_refused.html", {"message": str(refusal)}, status=status)


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link a leader sent: see which group it is for, sign up or sign in, then join and agree."""
    try:
        invitation = invitations.check_invitation(token)
    except invitations.InvitationRefused as refusal:
        return _invitation_refused(request, refusal)
    group = invitation.group
    if request.method != "POST":
        return render(request, "groups/invitation.html", {"group": group})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        # The form names the group the person chose to join: never join them to a different one.
        invitations.accept_invitation(token, user=request.user, group_slug=request.POST.get("group", ""))
    except invitations.InvitationRefused as refusal:
        if refusal.code != "already_member":
            return _invitation_refused(request, refusal)
        messages.info(request, str(refusal))
        return redirect(group.get_absolute_url())
    messages.success(request, f"Welcome to {group.name}.")
    return redirect(agree_url(group, group.get_absolute_url()))


# --- the leaders' settings for their group's room ---------------------------------------------------------


@never_cache
@login_required
def room_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Welfare threshold and chat word list (audited), and a phrase tested against the saved list (not kept)."""
    group, _ = get_group_for_user(request.user, slug, leader=True)
    initial = {"welfare_threshold_minutes": group.welfare_threshold_minutes, "chat_word_list": group.chat_word_list}
    testing = request.method == "POST" and "phrase" in request.POST
    saving = request.method == "POST" and not testing and "use_default" not in request.POST
    form = RoomSettingsForm(request.POST if saving else None, initial=initial)
    phrase_form = PhraseTestForm(request.POST if testing else None)
    verdict = None
    if request.method == "POST" and "use_default" in request.POST:
        words, minutes = texts.DEFAULT_WORD_LIST, group.welfare_threshold_minutes
        services.update_room_settings(
            group, actor=request.user, welfare_threshold_minutes=minutes, chat_word_list=words
        )
        messages.success(request, "The word list is the charity's default list again.")
        return redirect("groups:room_settings", slug=group.slug)
    if testing and phrase_form.is_valid():
        word = matched_word(phrase_form.cleaned_data["phrase"], group.word_list)
        verdict = {"held": word is not None, "word": word}
    elif form.is_bound and form.is_valid():
        changed = services.update_room_settings(group, actor=request.user, **form.cleaned_data)
        messages.success(request, "The settings are saved." if changed else "Nothing was changed.")
        return redirect("groups:room_settings", slug=group.slug)
    context = {
        "group": group,
        "form": form,
        "phrase_form": phrase_form,
        "verdict": verdict,
        "default_word_list": texts.DEFAULT_WORD_LIST,
    }
    return render(request, "groups/room_settings.html", context)
