"""Trustees' admin for sessions. Protected columns (the meeting link, camera-off reasons) are never listed,
searched, filtered or shown here: leaders manage links on the site, and reasons are for the group's leaders."""

from django.contrib import admin

from sessions.models import Attendance, CameraOffNotice, GroupSession


class ReadOnlyAdminMixin:
    """Records that only the app itself writes: trustees can look, not change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttendanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attendance
    fields = ["user", "joined_at", "left_at", "times_joined"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(GroupSession)
class GroupSessionAdmin(admin.ModelAdmin):
    list_display = ["topic", "group", "starts_at", "ends_at", "status"]
    list_filter = ["status", "group"]
    search_fields = ["topic", "group__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["group"]
    fields = [
        "group",
        "topic",
        "guest_speaker",
        "guest_speaker_about",
        "starts_at",
        "ends_at",
        "status",
        "chat_enabled",
        "meeting_link_changed_at",
        "cancelled_at",
        "cancellation_message",
        "opened_at",
        "ended_at",
        "created_by",
        "created_at",
    ]
    readonly_fields = [
        "group",
        "status",
        "meeting_link_changed_at",
        "cancelled_at",
        "opened_at",
        "ended_at",
        "created_by",
        "created_at",
    ]
    inlines = [AttendanceInline]
    change_list_template = "sessions/admin/groupsession_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("meeting_link")

    def has_add_permission(self, request):
        return False  # leaders schedule sessions on the site, where the link is handled safely


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["session", "user", "joined_at", "left_at", "times_joined"]
    list_filter = ["session__group"]
    list_select_related = ["session__group", "user"]
    date_hierarchy = "joined_at"
    search_fields = ["session__topic"]


@admin.register(CameraOffNotice)
class CameraOffNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "group", "session", "standing", "created_at", "withdrawn_at"]
    list_filter = ["standing", "group"]
    list_select_related = ["user", "group", "session__group"]
    exclude = ["reason"]
