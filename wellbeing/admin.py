"""Trustees' admin for wellbeing: the crisis lines shown on every page, and that debriefs happened.

Safety plans are not here: they belong to the member (leaders read one only while it is shared). A debrief's
words are shown to trustees only when it is linked to a safeguarding case, and each such read is audited.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding.models import Concern
from wellbeing import services
from wellbeing.models import CrisisLine, Debrief


@admin.register(CrisisLine)
class CrisisLineAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "number", "position", "is_shown"]
    # No list_editable: the admin's in-list inputs have no labels (axe); each line is changed on its own page.
    fields = ["name", "when_to_use", "kind", "number", "text_message", "then", "position", "is_shown"]


@admin.register(Debrief)
class DebriefAdmin(admin.ModelAdmin):
    """That a debrief happened (session, group, when); its words only once it is linked to a case, read audited."""

    list_display = ["__str__", "session", "group", "created_at", "concern"]
    list_filter = ["session__group"]
    list_select_related = ["session__group", "concern__group"]
    date_hierarchy = "created_at"
    fields = ["session", "author", "created_at", "concern"]
    readonly_fields = ["session", "author", "created_at"]
    change_form_template = "admin/wellbeing/debrief/change_form.html"

    @admin.display(description="group")
    def group(self, obj: Debrief):
        return obj.session.group

    def has_add_permission(self, request) -> bool:
        return False  # leaders write debriefs after their session

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # add-only

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "concern" in form.base_fields:
            form.base_fields["concern"].queryset = Concern.objects.filter(group=obj.session.group_id)
        return form

    def save_model(self, request, obj, form, change) -> None:
        try:
            services.link_debrief_to_case(obj, actor=request.user, concern=form.cleaned_data.get("concern"))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        debrief = self.get_object(request, object_id)
        if request.method == "GET" and debrief is not None and debrief.concern_id is not None:
            services.read_debrief_as_trustee(debrief, actor=request.user)
            extra_context["debrief_words"] = [
                ("How it went", debrief.how_it_went),
                ("To carry forward", debrief.carry_forward),
                ("How the leaders are", debrief.how_we_are),
            ]
        return super().change_view(request, object_id, form_url, extra_context)


# The monthly check-in's admin lives with its code.
from wellbeing.checkin import admin as check_in_admin  # noqa: E402, F401
