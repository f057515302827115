"""The leaders' suitability register in the admin, and a trustee's override to appoint a leader whose DBS
check has lapsed (a reason is required, and the override is audited with the appointment)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from groups.models import Membership
from safeguarding import suitability
from safeguarding.suitability import SuitabilityCheck


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("lapsed", "Lapsed"), ("due", "Renew within 30 days")]

    def queryset(self, request, queryset):
        if self.value() == "lapsed":
            return queryset.lapsed()
        if self.value() == "due":
            return queryset.renewal_due()
        return queryset


class SuitabilityCheckForm(forms.ModelForm):
    class Meta:
        model = SuitabilityCheck
        fields = ["person", "kind", "done_on", "renew_on", "reference"]
        widgets = {"reference": forms.TextInput()}


class OverrideForm(forms.Form):
    membership = forms.ModelChoiceField(
        label="Member to appoint as a leader",
        queryset=Membership.objects.none(),
        help_text="Active members whose DBS check or safeguarding training has lapsed.",
    )
    reason = forms.CharField(
        label="Why they can lead before the check is renewed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Please write why they can lead before the check is renewed."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lapsed_people = (
            SuitabilityCheck.objects.blocking().lapsed().values("person_id")
        )  # narrowed further by lapsed_requirements() when saved: a newer entry may have renewed it
        self.fields["membership"].queryset = (
            Membership.objects.active()
            .filter(role=Membership.Role.MEMBER, user_id__in=lapsed_people)
            .select_related("user", "group")
            .order_by("group__name", "user__display_name")
        )
        self.fields["membership"].label_from_instance = lambda m: f"{m.user.display_name} in {m.group.name}"


class SuitabilityCheckAdminBase(admin.ModelAdmin):
    form = SuitabilityCheckForm
    list_display = ["person", "kind", "done_on", "renew_on", "state"]
    list_filter = [StateFilter, "kind", "renew_on"]
    list_select_related = ["person"]
    search_fields = ["person__display_name", "person__email"]  # the account, never the encrypted reference
    raw_id_fields = ["person"]
    readonly_fields = ["recorded_by", "created_at"]
    actions = None

    @admin.display(description="state")
    def state(self, check):
        today = timezone.localdate()
        if check.renew_on is None:
            return "no renewal date"
        if check.renew_on < today:
            return format_html("<strong>lapsed {}</strong>", f"{check.renew_on:%-d %b %Y}")
        if (check.renew_on - today).days <= suitability.RENEWAL_REMINDER_DAYS:
            return "renew soon"
        return "current"

    def has_change_permission(self, request, obj=None):
        # An entry is added, never rewritten: a renewal is a new entry, so the register keeps its history.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = suitability.record_check(
            actor=request.user,
            person=data["person"],
            kind=data["kind"],
            done_on=data["done_on"],
            renew_on=data.get("renew_on"),
            reference=data.get("reference", ""),
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def get_urls(self):
        return [
            path(
                "appoint-despite-lapsed-check/",
                self.admin_site.admin_view(self.override_view),
                name="safeguarding_suitabilitycheck_override",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "override_url": reverse("admin:safeguarding_suitabilitycheck_override"),
        }
        return super().changelist_view(request, extra_context)

    def override_view(self, request):
        from groups import services as group_services

        if not self.has_view_permission(request):
            raise PermissionDenied
        form = OverrideForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            membership = form.cleaned_data["membership"]
            try:
                group_services.appoint_leader(
                    membership, actor=request.user, override_reason=form.cleaned_data["reason"]
                )
            except (group_services.GroupActionRefused, ValidationError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{membership.user.display_name} is now a leader. The override is recorded.")
                return redirect("admin:safeguarding_suitabilitycheck_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Appoint a leader whose DBS check has lapsed",
            "form": form,
        }
        return TemplateResponse(request, "admin/safeguarding/suitabilitycheck/override.html", context)
