"""Trustees' admin for groups and memberships. Changes go through groups.services, so they are audited.

Guideline versions are never edited: a trustee adds a new version. Membership status is changed by the
workflows that own it (joining, leaving, safeguarding removals), never by hand here; roles can be changed.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import BLANK_CHOICE_DASH
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from groups import invitations, services
from groups.models import GuidelinesVersion, Membership, SupportGroup, normalise_newlines
from members.roles import is_trustee


class InviteLeaderForm(forms.Form):
    email = forms.EmailField(label="Their email address", help_text="They get a link that works once, for 14 days.")


class GuidelinesVersionForm(forms.ModelForm):
    class Meta:
        model = GuidelinesVersion
        fields = ["principles", "guidelines", "change_summary"]

    def has_changed(self) -> bool:
        """The blank new-version form counts as filled in only when its text differs from the current version:
        browsers send textarea text back with CRLF line ends, which must not make a version by themselves."""
        if self.instance.pk is not None:
            return super().has_changed()
        for name in ("principles", "guidelines"):
            initial = self.get_initial_for_field(self.fields[name], name) or ""
            if normalise_newlines(self[name].value() or "") != normalise_newlines(initial):
                return True
        return bool((self["change_summary"].value() or "").strip())

    def clean(self):
        data = super().clean()
        group = getattr(self.instance, "group", None)
        current = group.current_guidelines() if group is not None and group.pk else None
        if current is not None and current.has_same_text(data.get("principles", ""), data.get("guidelines", "")):
            raise forms.ValidationError("The new version is the same as the current one. Change the text first.")
        return data


class GuidelinesVersionInline(admin.StackedInline):
    """Earlier versions read-only; one blank form (filled with the current text) to add the next version."""

    model = GuidelinesVersion
    form = GuidelinesVersionForm
    fields = ["number", "principles", "guidelines", "change_summary", "created_by", "created_at"]
    readonly_fields = ["number", "created_by", "created_at"]
    ordering = ["-number"]
    can_delete = False
    verbose_name = "version of the guidelines"
    verbose_name_plural = "guidelines (each change is a new version; members agree again)"

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 1 if obj is not None else 0  # a new group starts with the charity's default text

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # members agreed to these exact words

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "meeting_rhythm", "is_open_to_requests", "is_archived", "created_at"]
    list_filter = ["is_open_to_requests", "is_archived"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GuidelinesVersionInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "who_it_is_for", "meeting_rhythm"]}),
        ("In the room", {"fields": ["welfare_threshold_minutes", "chat_word_list", "waiting_room"]}),
        ("Visibility", {"fields": ["is_open_to_requests", "is_archived"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # archive instead: deleting would take agreements and attendance with it

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/invite-leader/",
                self.admin_site.admin_view(self.invite_leader_view),
                name="groups_supportgroup_invite_leader",
            )
        ]
        return urls + super().get_urls()

    @method_decorator(never_cache)
    def invite_leader_view(self, request, object_id):
        """A trustee invites someone by email to lead the group (how a group made here gets its first leader)."""
        group = self.get_object(request, unquote(object_id))
        if group is None:
            raise Http404("No such group.")
        if not (is_trustee(request.user) and self.has_change_permission(request, group)):
            raise PermissionDenied
        form = InviteLeaderForm(request.POST if request.method == "POST" else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Invite someone to lead {group.name}",
            "group": group,
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            _, url, failure = invitations.invite_leader(group, actor=request.user, email=email)
            context.update({"sent_to": email, "url": url, "failure": failure})
        return TemplateResponse(request, "admin/groups/supportgroup/invite_leader.html", context)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if (
            isinstance(inline, GuidelinesVersionInline)
            and obj is not None
            and obj.pk
            and (current := obj.current_guidelines())
        ):
            kwargs["initial"] = [{"principles": current.principles, "guidelines": current.guidelines}]
        return kwargs

    def save_formset(self, request, form, formset, change):
        if formset.model is not GuidelinesVersion:
            return super().save_formset(request, form, formset, change)
        for version in formset.save(commit=False):  # only new versions: existing ones are read-only
            services.publish_guidelines(
                form.instance,
                actor=request.user,
                principles=version.principles,
                guidelines=version.guidelines,
                change_summary=version.change_summary,
            )
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.guideline_versions.exists():
            services.publish_default_guidelines(form.instance, actor=request.user)


class MembershipAdminForm(forms.ModelForm):
    actor = None  # the signed-in trustee, set by MembershipAdmin.get_form

    class Meta:
        model = Membership
        fields = ["group", "user", "role"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and "role" not in self.changed_data:
            return data
        user = self.instance.user if self.instance.pk else data.get("user")
        if user is not None and (
            refusal := services.self_appointment_refusal(user.pk, data.get("role"), actor=self.actor)
        ):
            raise forms.ValidationError(refusal)
        return data

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk and "role" in self.changed_data:
            stored = Membership.objects.select_related("user").get(pk=self.instance.pk)
            if refusal := services.role_change_refusal(stored, role):
                raise forms.ValidationError(refusal)
        return role


class RequiredAutocompleteSelect(AutocompleteSelect):
    """Django's searchable drop-down, with an empty first option when the field is required too.

    Django leaves the <select required> of a new record with no option at all, which HTML does not allow
    (the W3C Nu checker); the empty option is the placeholder the browser's own check refuses to submit.
    """

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        if self.is_required and not any(v for v in value if v):
            groups.insert(0, (None, [self.create_option(name, "", BLANK_CHOICE_DASH[0][1], False, 0)], 0))
        return groups


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "group", "role", "status", "agreed", "joined_at", "status_changed_at"]
    list_filter = ["group", "status", "role"]
    search_fields = ["user__display_name", "group__name"]
    list_select_related = ["user", "group"]
    autocomplete_fields = ["user", "group"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is AutocompleteSelect:
            widget = field.widget
            field.widget = RequiredAutocompleteSelect(widget.field, widget.admin_site, attrs=widget.attrs)
            field.widget.is_required = widget.is_required
            field.widget.choices = field.choices
        return field

    readonly_fields = [
        "status",
        "agreed",
        "requested_at",
        "joined_at",
        "status_changed_at",
        "role_changed_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_agreement_state()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []  # adding: pick the group, the person and their role; they start active
        return ["group", "user", *self.readonly_fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["group", "user", "role"]
        return ["group", "user", "role", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # people leave or are removed; records stay (erasure is the members app's job)

    @admin.display(boolean=True, description="agreed to current guidelines")
    def agreed(self, obj: Membership) -> bool:
        return obj.has_agreed_to_current()

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.add_member(obj.group, user=obj.user, role=obj.role, actor=request.user)
            obj.pk = created.pk
            obj.refresh_from_db()  # the admin's success message and redirect use obj
            return
        if "role" not in form.changed_data:
            return
        try:
            if obj.role == Membership.Role.LEADER:
                services.appoint_leader(obj, actor=request.user)
            else:
                services.step_down(obj, actor=request.user)
        except services.GroupActionRefused as refusal:  # changed by someone else since the form was checked
            messages.error(request, str(refusal))
        obj.refresh_from_db()
