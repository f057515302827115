"""Trustees see follow-ups in the admin, the overdue ones first (read-only: leaders work them on the site)."""

from django.conf import settings
from django.contrib import admin
from django.utils import timezone

from care.models import FollowUp
from safeguarding.admin import TrusteeOnlyMixin


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", f"Open more than {settings.FOLLOW_UP_OVERDUE_HOURS} hours")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(TrusteeOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "group", "kind", "created_at", "due_at", "owner", "closed_at", "outcome", "is_overdue"]
    list_filter = [OverdueFilter, "kind", "outcome", "group"]
    list_select_related = ["group", "owner"]
    date_hierarchy = "created_at"
    # An open item's words are the leaders' (from their debrief): trustees see that it exists, its kind, owner
    # and dates, as they see that a debrief happened, not what it says.
    exclude = ["what"]
    readonly_fields = [f.name for f in FollowUp._meta.fields if f.name != "what"]

    @admin.display(boolean=True, description="overdue")
    def is_overdue(self, obj: FollowUp) -> bool:
        return (
            obj.is_open and (timezone.now() - obj.created_at).total_seconds() >= settings.FOLLOW_UP_OVERDUE_HOURS * 3600
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
