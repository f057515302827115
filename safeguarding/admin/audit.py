"""The audit trail, read-only: who did what, filtered by who acted (core.models.AuditEvent; its table and
trigger are safeguarding's).
"""

from django.contrib import admin

from core.models import AuditEvent
from safeguarding.admin.access import ReadOnlyMixin


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
