"""The case page's casework in the admin: referrals, sign-offs, flags, the serious incident record, and the
case's own "who viewed or changed this" log.

Inlines on ConcernAdmin (safeguarding/admin/cases.py). Their forms check the rules early (so errors show beside
the field) and the saving goes through safeguarding.case_services, which checks them again, audits, and
refuses anyone who may not (a sign-off by someone who is not a designated safeguarding lead).
Nothing here is ever deleted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.fields import EncryptedTextField
from members.roles import is_trustee
from safeguarding import case_services
from safeguarding.casework import CaseFlag, Referral, SeriousIncident, SignOff, is_designated_lead


def _errors_onto(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class _CaseworkInline(admin.StackedInline):
    """Trustees add and (where a rule allows) change rows; nobody deletes them."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_trustee(request.user)

    def has_add_permission(self, request, obj=None):
        return is_trustee(request.user)

    def has_change_permission(self, request, obj=None):
        return is_trustee(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"user": request.user})
        return formset


# --- referrals -------------------------------------------------------------------------------------------


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = list(case_services.REFERRAL_FIELDS)
        widgets = {"outcome": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if self.has_changed():
            try:
                case_services._validate_referral(dict(cleaned))
            except ValidationError as exc:
                _errors_onto(self, exc)
        return cleaned


class ReferralInline(_CaseworkInline):
    model = Referral
    form = ReferralForm
    fields = [*case_services.REFERRAL_FIELDS, "created_by"]
    readonly_fields = ["created_by"]
    verbose_name_plural = "referrals to other agencies"


# --- sign-off --------------------------------------------------------------------------------------------


class SignOffForm(forms.ModelForm):
    user = None  # set per request by _CaseworkInline.get_formset
    action = forms.ChoiceField(
        label="Do",
        required=False,
        choices=[("", "Nothing now"), ("request", "Ask for sign-off"), ("sign_off", "Sign off (lead only)")],
    )

    class Meta:
        model = SignOff
        fields = ["step"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["step"].disabled = True
            if self.instance.status == SignOff.Status.SIGNED_OFF:
                self.fields["action"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "sign_off" and not is_designated_lead(self.user):
            self.add_error("action", "Only a designated safeguarding lead can sign off a step of a case.")
        if not self.instance.pk and cleaned.get("step") and not cleaned.get("action"):
            self.add_error("action", "Please choose whether to ask for sign-off or to sign off.")
        return cleaned


class SignOffInline(_CaseworkInline):
    model = SignOff
    form = SignOffForm
    fields = ["step", "status", "requested_by", "requested_at", "signed_off_by", "signed_off_at", "action"]
    readonly_fields = ["status", "requested_by", "requested_at", "signed_off_by", "signed_off_at"]
    verbose_name_plural = "designated safeguarding lead's sign-off"


# --- flags -----------------------------------------------------------------------------------------------


class FlagForm(forms.ModelForm):
    user = None
    remove = forms.BooleanField(label="Remove this flag (say why below)", required=False)

    class Meta:
        model = CaseFlag
        fields = ["kind", "flagged_on", "removal_reason"]
        widgets = {"removal_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["flagged_on"].disabled = True
            if self.instance.removed_at is not None:
                self.fields["remove"].disabled = True
                self.fields["removal_reason"].disabled = True
        else:  # a new flag: nothing to remove yet
            self.fields["remove"].disabled = True
            self.fields["removal_reason"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove") and not (cleaned.get("removal_reason") or "").strip():
            self.add_error("removal_reason", "Please write why the flag can be removed.")
        return cleaned


class FlagInline(_CaseworkInline):
    model = CaseFlag
    form = FlagForm
    fields = ["kind", "flagged_on", "flagged_by", "removed_at", "removed_by", "remove", "removal_reason"]
    readonly_fields = ["flagged_by", "removed_at", "removed_by"]
    verbose_name_plural = "flags (a removed flag stays on the record, with why)"


# --- serious incident ------------------------------------------------------------------------------------


class SeriousIncidentForm(forms.ModelForm):
    class Meta:
        model = SeriousIncident
        fields = list(case_services.INCIDENT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in case_services.INCIDENT_FIELDS
            if isinstance(SeriousIncident._meta.get_field(name), EncryptedTextField)
        }

    def clean(self):
        cleaned = super().clean()
        if self.has_changed():
            try:
                case_services.validate_serious_incident(dict(cleaned))
            except ValidationError as exc:
                _errors_onto(self, exc)
        return cleaned


class SeriousIncidentInline(_CaseworkInline):
    model = SeriousIncident
    form = SeriousIncidentForm
    max_num = 1
    fieldsets = [
        (None, {"fields": ["decision", "not_reporting_reason", ("decided_by", "decided_at")]}),
        (
            "The Charity Commission's report",
            {
                "fields": [
                    "what_happened",
                    ("happened_at", "found_out_at"),
                    "how_found_out",
                    "trustees_aware",
                    "impact",
                    "other_bodies_told",
                    ("policies_applied", "policies_followed"),
                    "steps_taken",
                    "prevention",
                    "press_lines",
                    ("reported_at", "commission_reference"),
                    "updates",
                ]
            },
        ),
    ]
    readonly_fields = ["decided_by", "decided_at"]
    verbose_name_plural = "serious incident (report to the Charity Commission, or the decision not to)"


CASEWORK_INLINES = [ReferralInline, SignOffInline, FlagInline, SeriousIncidentInline]


def save_casework_formset(request, concern, formset) -> bool:
    """Save one of the casework inlines through the services; False if the formset is not one of ours."""
    user = request.user
    model = formset.model
    if model not in (Referral, SignOff, CaseFlag, SeriousIncident):
        return False
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed():
            continue
        data, instance = form.cleaned_data, form.instance
        if model is Referral:
            values = {name: data.get(name) for name in case_services.REFERRAL_FIELDS}
            if instance.pk:
                case_services.update_referral(instance, actor=user, **values)
            else:
                case_services.add_referral(concern, actor=user, **values)
        elif model is SignOff:
            step = instance.step if instance.pk else data["step"]
            if data.get("action") == "request":
                case_services.request_sign_off(concern, actor=user, step=step)
            elif data.get("action") == "sign_off":
                case_services.sign_off(concern, actor=user, step=step)
        elif model is CaseFlag:
            if instance.pk:
                if data.get("remove"):
                    case_services.unflag_case(instance, actor=user, reason=data.get("removal_reason", ""))
            else:
                case_services.flag_case(concern, actor=user, kind=data["kind"], flagged_on=data.get("flagged_on"))
        else:
            values = {name: data.get(name) for name in case_services.INCIDENT_FIELDS}
            case_services.save_serious_incident(concern, actor=user, **values)
    return True


def case_history_table(concern) -> str:
    """The case's "who viewed or changed this" log as a small table, oldest first (from the audit trail)."""
    if concern is None or concern.pk is None:
        return "-"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                f"{event.created_at:%Y-%m-%d %H:%M}",
                event.actor.display_name if event.actor else (event.actor_label or "System"),
                event.action.rsplit(".", 1)[-1].replace("_", " "),
            )
            for event in case_services.case_history(concern)
        ),
    )
    return format_html(
        '<table class="case-history"><caption>Who viewed or changed this case</caption>'
        '<thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        rows,
    )


def chronology_link(concern) -> str:
    if concern is None or concern.pk is None:
        return "-"
    url = reverse("admin:safeguarding_concern_chronology", args=[concern.pk])
    return format_html('<a class="button" href="{}">Download the chronology (PDF, confidential)</a>', url)
