"""Safeguarding pages for members and leaders. Trustees work cases in the admin (safeguarding/admin/).

Pages that show protected text are never cached (`never_cache`: private, no-store).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from groups.models import Membership, SupportGroup
from groups.permissions import get_group_for_user, get_member_for_leader
from safeguarding import removals, services
from safeguarding.forms import (
    ConcernForm,
    ConcernStatusForm,
    ContactDetailsForm,
    ReinstateForm,
    RemovalForm,
    RevealForm,
    posted,
)
from safeguarding.models import Concern, ContactAccess, ContactDetails, Removal
from safeguarding.permissions import (
    concern_role,
    get_concern_for_user,
    get_contact_for_reveal,
    get_removal_for_user,
)


def _form_errors_from(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the member's own contact details --------------------------------------------------------------


@never_cache
@login_required
def my_contact_details(request: HttpRequest) -> HttpResponse:
    contact = ContactDetails.objects.filter(user=request.user).first()
    form = ContactDetailsForm(posted(request), initial=ContactDetailsForm.initial_from(contact))
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "consent"}
        try:
            services.save_contact_details(user=request.user, consent=form.cleaned_data["consent"], **values)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, "Thank you. Your contact details are saved securely.")
            return redirect("safeguarding:my_contact_details")
    return render(request, "safeguarding/my_contact_details.html", {"form": form, "contact": contact})


@login_required
@require_POST
def withdraw_contact_details(request: HttpRequest) -> HttpResponse:
    if services.withdraw_contact_details(user=request.user):
        messages.success(request, "Your contact details have been deleted. You can add them again at any time.")
    return redirect("safeguarding:my_contact_details")


# --- concerns --------------------------------------------------------------------------------------


@login_required
def concern_start(request: HttpRequest) -> HttpResponse:
    """Raise a concern from anywhere: choose the group first (straight on if there is only one)."""
    groups = list(SupportGroup.objects.for_user(request.user).order_by("name"))
    if len(groups) == 1:
        return redirect("safeguarding:raise_concern", groups[0].slug)
    return render(request, "safeguarding/concern_start.html", {"groups": groups})


@login_required
def raise_concern(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug)
    is_leader = membership.role == Membership.Role.LEADER
    form = ConcernForm(posted(request), group=group, is_leader=is_leader)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.raise_concern(raised_by=request.user, group=group, **form.service_kwargs())
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request,
                "Thank you for telling us. Your concern is with the "
                + ("charity's safeguarding leads only" if concern.to_trustees else "group's leaders")
                + ", and someone will look at it soon.",
            )
            return redirect(reverse("safeguarding:my_concerns") + "?sent=1")  # with where help is, meanwhile
    return render(request, "safeguarding/raise_concern.html", {"form": form, "group": group, "is_leader": is_leader})


@login_required
def my_concerns(request: HttpRequest) -> HttpResponse:
    concerns = Concern.objects.filter(raised_by=request.user).select_related("group")
    return render(request, "safeguarding/my_concerns.html", {"concerns": concerns})


@login_required
def group_concerns(request: HttpRequest, slug: str) -> HttpResponse:
    """The leaders' inbox: concerns raised with them (details only on each concern's page, where reads are audited)."""
    group, _ = get_group_for_user(request.user, slug, leader=True)
    concerns = Concern.objects.raised_with_leaders_of(group).select_related("raised_by")
    return render(request, "safeguarding/group_concerns.html", {"group": group, "concerns": concerns})


@never_cache
@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_user(request.user, pk)
    role = concern_role(request.user, concern)
    if role == "raiser":
        return render(request, "safeguarding/my_concern.html", {"concern": concern})
    services.read_concern(concern, reader=request.user)
    status_form = ConcernStatusForm(initial={"status": concern.status})
    status_form.fields["status"].choices = [
        (value, label)
        for value, label in Concern.Status.choices
        if value == concern.status or concern.can_move_to(value)
    ]
    return render(
        request,
        "safeguarding/concern_detail.html",
        {"concern": concern, "status_form": status_form, "role": role},
    )


@login_required
@require_POST
def concern_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_user(request.user, pk)
    form = ConcernStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose a status.")
        return redirect("safeguarding:concern_detail", concern.pk)
    try:
        services.change_concern_status(
            concern, actor=request.user, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The concern is now marked “{concern.get_status_display()}”.")
    return redirect("safeguarding:concern_detail", concern.pk)


@login_required
@require_POST
def concern_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_user(request.user, pk)
    services.escalate_concern(concern, actor=request.user)
    messages.success(request, "The concern has been passed to the safeguarding leads. They have been told.")
    return redirect("safeguarding:concern_detail", concern.pk)


# --- leaders: the group's safeguarding page, welfare reveal, removal, reinstatement ----------------


@login_required
def group_safeguarding(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_user(request.user, slug, leader=True)
    in_force = Removal.objects.in_force().exclude(kind=Removal.Kind.SESSION).order_by("-created_at")
    memberships = (
        Membership.objects.in_leaders_care()
        .filter(group=group)
        .select_related("user")
        .prefetch_related(Prefetch("removals", queryset=in_force, to_attr="removals_in_force"))
        .order_by("user__display_name")
    )
    open_concerns = Concern.objects.raised_with_leaders_of(group).open().count()
    return render(
        request,
        "safeguarding/group_safeguarding.html",
        {"group": group, "memberships": memberships, "me": membership, "open_concerns": open_concerns},
    )


@never_cache
@login_required
def welfare_reveal(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    target = get_member_for_leader(group, member_id, among=Membership.objects.in_leaders_care())
    contact = get_contact_for_reveal(request.user, target.user)
    form = RevealForm(posted(request))
    context = {"group": group, "target": target, "contact": contact, "form": form}
    if request.method == "POST" and contact is not None and form.is_valid():
        try:
            services.reveal_contact_details(
                contact, actor=request.user, reason=form.cleaned_data["reason"], urgent_welfare=True, group=group
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            return render(request, "safeguarding/contact_revealed.html", {**context, "revealed": True})
    return render(request, "safeguarding/welfare_reveal.html", context)


@login_required
def remove_member(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    group, _ = get_group_for_user(request.user, slug, leader=True)
    target = get_member_for_leader(group, member_id, among=Membership.objects.in_leaders_care())
    if target.role == Membership.Role.LEADER or target.user_id == request.user.pk:
        raise PermissionDenied("Leaders can only be removed by the charity's safeguarding leads.")
    form = RemovalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            removals.remove_member(
                target,
                actor=request.user,
                kind=data["kind"],
                reasons=data["reasons"],
                until=data["until"],
                one_to_one_held=data["one_to_one_held"],
                one_to_one_at=data["one_to_one_at"],
                note=data["note"],
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request, f"{target.user.display_name} has been removed from the group and has been told by email."
            )
            return redirect("safeguarding:group_safeguarding", group.slug)
    return render(request, "safeguarding/remove_member.html", {"group": group, "target": target, "form": form})


@login_required
def reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    removal = get_removal_for_user(request.user, pk)
    membership = removal.membership
    if membership.role == Membership.Role.LEADER or membership.user_id == request.user.pk:
        raise PermissionDenied("Only the charity's safeguarding leads can do this.")
    form = ReinstateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            removals.reinstate_member(removal, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user.display_name} can take part again and has been told.")
        return redirect("safeguarding:group_safeguarding", membership.group.slug)
    return render(request, "safeguarding/reinstate.html", {"removal": removal, "form": form})


def access_log_for(user):
    """The member's "who viewed my details" log, newest first."""
    return ContactAccess.objects.filter(member=user).select_related("viewed_by", "group")
