"""The trustees' data-rights log and breach log in the admin: each list shows its clock.

A request's facts are entered once; after that it moves only through the actions of
safeguarding.datarights_services (identity checked, pause, restart, extend, done, acknowledge), each audited.
Imported by safeguarding/admin/registers.py (TrusteeOnlyMixin is in safeguarding/admin/access.py).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from safeguarding import datarights_services as rights
from safeguarding.datarights import Breach, DataRightsRequest

ACTIONS = [
    ("", "Nothing now"),
    ("identity", "Identity checked"),
    ("pause", "Pause the clock (waiting for the person)"),
    ("restart", "Restart the clock (the person answered)"),
    ("extend", "Extend to three months (give the reason and when the person was told)"),
    ("acknowledge", "Acknowledge the complaint"),
    ("done", "Done (answered or carried out)"),
]


class DataRightsRequestForm(forms.ModelForm):
    action = forms.ChoiceField(label="What happened", choices=ACTIONS, required=False)
    on = forms.DateField(
        label="On", required=False, help_text="Leave empty for today.", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label="Why it needs longer (for an extension)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = DataRightsRequest
        fields = ["kind", "person", "person_name", "details", "received_on", "person_told_of_extension_on"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            if not cleaned.get("person") and not (cleaned.get("person_name") or "").strip():
                self.add_error("person_name", "Please say who asked (or choose their account).")
            return cleaned
        if cleaned.get("action") == "extend":
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", "Please write why the request needs longer.")
            if not cleaned.get("person_told_of_extension_on"):
                self.add_error("person_told_of_extension_on", "Please give the date the person was told.")
        return cleaned


class ClockFilter(admin.SimpleListFilter):
    title = "clock"
    parameter_name = "clock"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("paused", "Paused"), ("done", "Done")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "paused":
            return queryset.filter(paused_on__isnull=False, done_on__isnull=True)
        if self.value() == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset


class DataRightsRequestAdminBase(admin.ModelAdmin):
    form = DataRightsRequestForm
    list_display = ["__str__", "kind", "source", "received_on", "due", "clock", "done_on"]
    list_filter = [ClockFilter, "kind", "source", "received_on"]
    date_hierarchy = "received_on"
    raw_id_fields = ["person"]
    actions = None
    readonly_fields = [
        "source",
        "due",
        "clock",
        "acknowledge_by",
        "identity_checked_on",
        "paused_on",
        "days_paused",
        "extended_on",
        "extension_reason",
        "acknowledged_on",
        "done_on",
        "done_by",
    ]

    @admin.display(description="due")
    def due(self, request):
        return request.due_on()

    @admin.display(description="acknowledge by")
    def acknowledge_by(self, request):
        return request.acknowledge_by() or "-"

    @admin.display(description="clock")
    def clock(self, request):
        if request.done_on:
            on_time = request.done_on <= request.due_on()
            return "done in time" if on_time else "done late"
        if request.paused_on:
            return f"paused since {request.paused_on:%-d %b %Y}"
        days = (request.due_on() - timezone.localdate()).days
        if days < 0:
            return format_html("<strong>overdue by {} days</strong>", -days)
        return f"{days} days left"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "person", "person_name", "details", "received_on"]
        return [
            "kind",
            "source",
            "person",
            "person_name",
            "details",
            "received_on",
            "due",
            "clock",
            "acknowledge_by",
            "identity_checked_on",
            ("paused_on", "days_paused"),
            ("extended_on", "extension_reason"),
            "acknowledged_on",
            ("done_on", "done_by"),
            "action",
            "on",
            "reason",
            "person_told_of_extension_on",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "kind", "person", "person_name", "details", "received_on"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = rights.record_request(
                actor=request.user,
                kind=data["kind"],
                received_on=data["received_on"],
                person=data.get("person"),
                person_name=data.get("person_name", ""),
                details=data.get("details", ""),
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        original = DataRightsRequest.objects.get(pk=obj.pk)
        action, on = data.get("action"), data.get("on")
        try:
            if action == "identity":
                rights.check_identity(original, actor=request.user, on=on)
            elif action == "pause":
                rights.pause_clock(original, actor=request.user, on=on)
            elif action == "restart":
                rights.restart_clock(original, actor=request.user, on=on)
            elif action == "extend":
                rights.extend(
                    original,
                    actor=request.user,
                    reason=data.get("reason", ""),
                    person_told_on=data.get("person_told_of_extension_on"),
                )
            elif action == "acknowledge":
                rights.acknowledge_complaint(original, actor=request.user, on=on)
            elif action == "done":
                rights.mark_done(original, actor=request.user, on=on)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = list(rights.BREACH_FIELDS)

    def clean(self):
        cleaned = super().clean()
        try:
            rights.validate_breach(dict(cleaned))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


class BreachAdminBase(admin.ModelAdmin):
    """The breach log: the ICO's 72-hour deadline is shown from the moment a breach is opened."""

    form = BreachForm
    list_display = ["__str__", "became_aware_at", "ico_deadline", "deadline_state", "decision", "reported_to_ico_at"]
    list_filter = ["decision", "became_aware_at"]
    readonly_fields = ["ico_deadline", "deadline_state", "opened_by", "created_at"]
    actions = None

    @admin.display(description="ICO deadline (72 hours)")
    def ico_deadline(self, breach):
        return breach.ico_deadline if breach.became_aware_at else "-"

    @admin.display(description="deadline")
    def deadline_state(self, breach):
        if breach.became_aware_at is None:
            return "-"
        if breach.reported_to_ico_at:
            late = breach.reported_to_ico_at > breach.ico_deadline
            return "reported late" if late else "reported in time"
        if breach.decision == Breach.Decision.NOT_REPORTING:
            return "not reportable (reason recorded)"
        hours = (breach.ico_deadline - timezone.now()).total_seconds() / 3600
        if hours < 0:
            return format_html("<strong>{} hours past the deadline</strong>", int(-hours))
        return f"{int(hours)} hours left"

    def get_fields(self, request, obj=None):
        fields = list(rights.BREACH_FIELDS)
        return fields if obj is None else [*fields, "ico_deadline", "deadline_state", "opened_by", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in rights.BREACH_FIELDS}
        saved = rights.save_breach(obj if change else None, actor=request.user, **values)
        obj.pk = saved.pk
        obj._state.adding = False
