"""The trustees' admin: cases with their chronology, removals, contact reveals, the read-only audit trail.

Every page requires members.roles.is_trustee as well as the model permission (a staff user who is not a
trustee sees nothing here). Encrypted columns are never listed, searched or filtered; protected text
appears only on a single record's page, and opening a case or revealing contact details is audited.
Changes go through safeguarding.services, so the admin obeys the same rules and audit as the site.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from core import britishtime
from core.models import AuditEvent
from members.roles import is_trustee
from safeguarding import case_admin, datarights_admin, services, suitability_admin, triage
from safeguarding.forms import RevealForm, posted
from safeguarding.models import (
    Breach,
    CaseNote,
    Concern,
    ContactAccess,
    ContactDetails,
    DataRightsRequest,
    Removal,
    SuitabilityCheck,
)
from safeguarding.permissions import trustees


class TrusteeOnlyMixin:
    """Trustee role and model permission, both required, for every admin page of this app."""

    def has_module_permission(self, request):
        return is_trustee(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_trustee(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_trustee(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_trustee(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_trustee(request.user) and super().has_delete_permission(request, obj)


class ReadOnlyMixin(TrusteeOnlyMixin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- audit trail -----------------------------------------------------------------------------------


class ActorFilter(admin.SimpleListFilter):
    """Who acted: only people who appear in the trail (a full user list would be long and pointless)."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        from django.contrib.auth import get_user_model

        actor_ids = AuditEvent.objects.exclude(actor_id=None).values("actor_id").distinct()
        users = get_user_model().objects.filter(pk__in=actor_ids).order_by("display_name")[:200]
        return [("system", "System (no person)")] + [(str(u.pk), f"{u.display_name} (user #{u.pk})") for u in users]

    def queryset(self, request, queryset):
        if self.value() == "system":
            return queryset.filter(actor__isnull=True)
        if self.value():
            return queryset.filter(actor_id=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_display", "subject_type", "subject_label"]
    list_filter = ["action", ActorFilter, "created_at"]
    list_select_related = ["actor", "subject_type"]
    date_hierarchy = "created_at"
    search_fields = ["action", "subject_label"]
    fields = [
        "created_at",
        "action",
        "actor_display",
        "actor_label",
        "subject_type",
        "subject_id",
        "subject_label",
        "data",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields
    actions = None
    show_full_result_count = False

    @admin.display(description="actor")
    def actor_display(self, event):
        if event.actor_id is None:
            return "System"
        if event.actor is None:
            return event.actor_label  # the account is gone; the label still links the trail together
        return f"{event.actor.display_name} ({event.actor_label})"


# --- cases -----------------------------------------------------------------------------------------


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


# --- removals --------------------------------------------------------------------------------------


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
            removal = services.remove_member(
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
                            services.validate_removal(
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
                services.reinstate_member(removal, actor=request.user, note="Reinstated by a safeguarding lead.")
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


# --- contact details and their reveals -------------------------------------------------------------


@admin.register(ContactDetails)
class ContactDetailsAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who has shared contact details. The details themselves open only through "reveal", with a reason."""

    list_display = ["__str__", "user", "consent_given_at", "updated_at"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    search_fields = ["user__display_name", "user__email"]  # the member's account, never the encrypted columns
    fields = ["user", "consent_given_at", "created_at", "updated_at", "reveal_link"]
    readonly_fields = fields
    actions = None

    @admin.display(description="contact details")
    def reveal_link(self, contact):
        url = reverse("admin:safeguarding_contactdetails_reveal", args=[contact.pk])
        return format_html('<a class="button" href="{}">Reveal contact details (you will be asked why)</a>', url)

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="safeguarding_contactdetails_reveal",
            )
        ]
        return urls + super().get_urls()

    @method_decorator(never_cache)
    def reveal_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        contact = self.get_object(request, unquote(object_id))
        if contact is None:
            raise Http404("No such contact details.")
        form = RevealForm(posted(request))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Contact details of {contact.user.display_name}",
            "contact": contact,
            "form": form,
            "revealed": False,
        }
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                services.reveal_contact_details(contact, actor=request.user, reason=form.cleaned_data["reason"])
            context["revealed"] = True
        return TemplateResponse(request, "admin/safeguarding/contactdetails/reveal.html", context)


@admin.register(ContactAccess)
class ContactAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every reveal of contact details: who, whose, when, why (the reason shows on each record's page)."""

    list_display = ["created_at", "member", "viewed_by", "role", "urgent_welfare", "group"]
    list_filter = ["role", "urgent_welfare", "created_at"]
    list_select_related = ["member", "viewed_by", "group"]
    date_hierarchy = "created_at"
    fields = ["created_at", "member", "viewed_by", "role", "group", "urgent_welfare", "reason"]
    readonly_fields = fields
    actions = None


# --- data-rights requests and breaches (safeguarding/datarights_admin.py) -------------------------------


@admin.register(DataRightsRequest)
class DataRightsRequestAdmin(TrusteeOnlyMixin, datarights_admin.DataRightsRequestAdminBase):
    pass


@admin.register(Breach)
class BreachAdmin(TrusteeOnlyMixin, datarights_admin.BreachAdminBase):
    pass


@admin.register(SuitabilityCheck)
class SuitabilityCheckAdmin(TrusteeOnlyMixin, suitability_admin.SuitabilityCheckAdminBase):
    pass
