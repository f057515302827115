"""Removals: trustees record one here (leaders do it on the site), through removals.remove_member, and
reinstate people early.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding import removals
from safeguarding.admin.access import TrusteeOnlyMixin
from safeguarding.models import Removal


class RemovalAdminForm(forms.ModelForm):
    """Trustees record a removal here (leaders do it on the site); it goes through remove_member."""

    reasons = forms.MultipleChoiceField(choices=Removal.Reason.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Removal
        fields = ["membership", "kind", "until", "reasons", "one_to_one_held", "one_to_one_at", "note"]


@admin.register(Removal)
class RemovalAdmin(TrusteeOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "membership", "kind", "reason_list", "created_at", "until", "lifted_at", "decided_by"]
    list_filter = ["kind", "membership__group", "created_at", ("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["membership__user", "membership__group", "decided_by"]
    date_hierarchy = "created_at"
    raw_id_fields = ["membership"]
    actions = ["reinstate_selected"]
    form = RemovalAdminForm

    @admin.display(description="reasons")
    def reason_list(self, removal):
        return "; ".join(removal.reason_labels())

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "membership",
            "kind",
            "reason_list",
            "until",
            "session",
            "one_to_one_held",
            "one_to_one_at",
            "note",
            "decided_by",
            "created_at",
            "lifted_at",
            "lifted_by",
            "lift_note",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["membership", "kind", "until", "reasons", "one_to_one_held", "one_to_one_at", "note"]
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            removal = removals.remove_member(
                data["membership"],
                actor=request.user,
                kind=data["kind"],
                reasons=data["reasons"],
                until=data.get("until"),
                one_to_one_held=data.get("one_to_one_held", False),
                one_to_one_at=data.get("one_to_one_at"),
                note=data.get("note", ""),
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        obj.pk = removal.pk
        obj._state.adding = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:

            class ValidatedForm(form):
                def clean(inner):
                    cleaned = super().clean()
                    membership = cleaned.get("membership")
                    if membership is not None and cleaned.get("kind") == Removal.Kind.SESSION:
                        raise ValidationError("Removals from one session are made by the leaders in the room.")
                    if membership is not None and cleaned.get("kind"):
                        try:
                            removals.validate_removal(
                                membership,
                                kind=cleaned["kind"],
                                reasons=cleaned.get("reasons") or [],
                                until=cleaned.get("until"),
                                one_to_one_held=cleaned.get("one_to_one_held", False),
                                one_to_one_at=cleaned.get("one_to_one_at"),
                            )
                        except ValidationError as exc:
                            for field, errors in exc.message_dict.items():
                                inner.add_error(field if field in inner.fields else None, errors)
                    return cleaned

            return ValidatedForm
        return form

    @admin.action(description="Reinstate the selected people (end these removals now)")
    def reinstate_selected(self, request, queryset):
        done = 0
        for removal in queryset.select_related("membership"):
            try:
                removals.reinstate_member(removal, actor=request.user, note="Reinstated by a safeguarding lead.")
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"{removal}: {reason}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"Reinstated {done}; each person has been told by email.", messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
