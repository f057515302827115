"""Concerns worked as cases: the list ordered for triage, the case page with its chronology, casework inlines
(safeguarding/case_admin.py) and the chronology PDF; opening a case is audited.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils.html import format_html

from core import britishtime
from members.roles import is_trustee
from safeguarding import case_admin, services, triage
from safeguarding.admin.access import TrusteeOnlyMixin
from safeguarding.models import CaseNote, Concern
from safeguarding.permissions import trustees


class CaseNoteInline(admin.StackedInline):
    """The case's chronology. Without change permission Django shows the existing notes read-only and
    offers an empty form for a new one: notes are added, never edited or deleted (corrections are new notes)."""

    model = CaseNote
    extra = 1
    fields = ["created_at", "author", "author_role", "happened_at", "text"]
    readonly_fields = ["created_at", "author", "author_role"]
    verbose_name = "note"
    verbose_name_plural = "chronology (notes are added, never edited: add a new note to correct one)"

    def has_view_permission(self, request, obj=None):
        return is_trustee(request.user)

    def has_add_permission(self, request, obj=None):
        return is_trustee(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WithTrusteesFilter(admin.SimpleListFilter):
    """Cases for the safeguarding leads: raised with them, passed to them, or marked immediate risk."""

    title = "with the safeguarding leads"
    parameter_name = "with_trustees"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No (with the group's leaders)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.for_trustees()
        if self.value() == "no":
            return queryset.exclude(pk__in=Concern.objects.for_trustees().values("pk"))
        return queryset


class ConcernAdminForm(forms.ModelForm):
    closing_reason = forms.CharField(
        label="Why the case can be closed",
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to close the case; kept with it.",
    )

    class Meta:
        model = Concern
        fields = ["status", "assigned_to"]

    def clean(self):
        cleaned = super().clean()
        closing = cleaned.get("status") == Concern.Status.CLOSED and self.instance.status != Concern.Status.CLOSED
        if closing and not (cleaned.get("closing_reason") or "").strip():
            self.add_error("closing_reason", "Please write why the case can be closed.")
        return cleaned

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status != self.instance.status and not self.instance.can_move_to(status):
            raise ValidationError(
                f"A case that is {self.instance.get_status_display().lower()} can't move to "
                f"{Concern.Status(status).label.lower()}."
            )
        return status

    def clean_assigned_to(self):
        assignee = self.cleaned_data["assigned_to"]
        if assignee is not None and not is_trustee(assignee):
            raise ValidationError("Cases can only be assigned to a safeguarding lead.")
        return assignee


@admin.register(Concern)
class ConcernAdmin(TrusteeOnlyMixin, admin.ModelAdmin):
    """Concerns worked as cases. The list never shows what a concern says; opening one is audited."""

    form = ConcernAdminForm
    # For triage (safeguarding/triage.py): the riskiest open case first, overdue ones marked; columns that
    # fit a laptop beside the filters, and on a phone the case, its risk, its status and its wait.
    list_display = [
        "case",
        "risk",
        "status",
        "waiting",
        "category",
        "group",
        "assigned_to",
        "raised",
    ]
    list_display_links = ["case"]
    list_filter = [WithTrusteesFilter, "status", "risk_level", "category", "group", "created_at"]
    list_select_related = ["group", "assigned_to"]
    date_hierarchy = "created_at"
    inlines = [CaseNoteInline, *case_admin.CASEWORK_INLINES]
    readonly_fields = [
        "group",
        "raised_by",
        "source",
        "session",
        "about",
        "about_user",
        "category",
        "risk_level",
        "details",
        "to_trustees",
        "escalated_at",
        "happened_at",
        "created_at",
        "status_changed_at",
        "closed_at",
        "close_reason",
        "chronology",
        "history",
    ]
    fieldsets = [
        (
            "The concern",
            {
                "fields": [
                    "group",
                    ("raised_by", "source", "session"),
                    ("about", "about_user"),
                    ("category", "risk_level"),
                    "details",
                    ("to_trustees", "escalated_at"),
                    ("happened_at", "created_at"),
                ]
            },
        ),
        (
            "The case",
            {
                "fields": [
                    "status",
                    "closing_reason",
                    "assigned_to",
                    ("status_changed_at", "closed_at"),
                    "close_reason",
                    "chronology",
                ]
            },
        ),
        ("Who viewed or changed this case", {"fields": ["history"], "classes": ["collapse"]}),
    ]
    actions = None

    def get_queryset(self, request):
        # ModelAdmin.get_queryset, with the triage annotations its ordering needs.
        queryset = triage.ordered_for_triage(self.model._default_manager.get_queryset())
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # The triage order needs get_queryset's annotations, which only the case list has: elsewhere (Django orders
        # other admins' choices of a concern by this method too) the newest case comes first.
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "safeguarding_concern_changelist":
            return triage.TRIAGE_ORDERING
        return ("-created_at",)

    @admin.display(description="case", ordering="id")
    def case(self, concern):
        where = "with the trustees" if concern.is_with_trustees else "with the leaders"
        return format_html('#{}<span class="case-where">{}</span>', concern.pk, where)

    @admin.display(description="risk", ordering="risk_rank")
    def risk(self, concern):
        return format_html('<span class="risk risk-{}">{}</span>', concern.risk_level, concern.get_risk_level_display())

    @admin.display(description="waiting", ordering="created_at")
    def waiting(self, concern):
        if (late := triage.overdue_by(concern)) is not None:
            return format_html('<strong class="overdue">Overdue by {}</strong>', triage.how_long(late))
        if concern.status == Concern.Status.NEW:
            return f"New, look by {britishtime.stamp(triage.first_look_due(concern))}"
        return "—"

    @admin.display(description="raised", ordering="created_at")
    def raised(self, concern):
        return britishtime.date_long(concern.created_at)

    @admin.display(description="chronology")
    def chronology(self, concern):
        return case_admin.chronology_link(concern)

    @admin.display(description="history")
    def history(self, concern):
        return case_admin.case_history_table(concern)

    @admin.display(boolean=True, description="with the trustees")
    def with_trustees(self, concern):
        return concern.is_with_trustees

    def has_add_permission(self, request):
        return False  # concerns are raised on the site (or in the room), through raise_concern

    def has_delete_permission(self, request, obj=None):
        return False  # closed cases are purged by the retention task only

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = trustees().order_by("display_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            concern = self.get_object(request, unquote(object_id))
            if concern is not None and self.has_view_permission(request, concern):
                services.read_concern(concern, reader=request.user)
        response = super().change_view(request, object_id, form_url, extra_context)
        response["Cache-Control"] = "no-cache, no-store, must-revalidate, private"
        return response

    def save_model(self, request, obj, form, change):
        """Status and assignment change through the services (audited); nothing else is editable."""
        original = Concern.objects.get(pk=obj.pk)
        if "assigned_to" in form.changed_data:
            services.assign_case(original, actor=request.user, assignee=form.cleaned_data["assigned_to"])
        if "status" in form.changed_data:
            services.change_concern_status(
                original,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data.get("closing_reason", ""),
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/chronology.pdf",
                self.admin_site.admin_view(self.chronology_view),
                name="safeguarding_concern_chronology",
            ),
            *super().get_urls(),
        ]

    def chronology_view(self, request, object_id):
        from safeguarding import chronology

        concern = self.get_object(request, unquote(object_id))
        if concern is None or not self.has_view_permission(request, concern):
            raise Http404("No such case.")
        return chronology.pdf_response(concern, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if case_admin.save_casework_formset(request, form.instance, formset):
            return formset.new_objects
        if formset.model is not CaseNote:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for note_form in formset.forms:
            if note_form.instance.pk is None and note_form.has_changed() and note_form.cleaned_data.get("text"):
                note = services.add_case_note(
                    form.instance,
                    actor=request.user,
                    text=note_form.cleaned_data["text"],
                    happened_at=note_form.cleaned_data.get("happened_at"),
                )
                formset.new_objects.append(note)
        return formset.new_objects
