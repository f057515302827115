"""Trustees' admin for the check-in: which groups ask it. Members' answers have no admin page: the charity
sees only averages from five or more people, in the funders' figures (peersupport/figures_wellbeing.py)."""

from django.contrib import admin

from wellbeing.checkin import services
from wellbeing.checkin.models import GroupCheckIn


@admin.register(GroupCheckIn)
class GroupCheckInAdmin(admin.ModelAdmin):
    list_display = ["group", "asks", "changed_at", "changed_by"]
    list_filter = ["asks"]
    list_select_related = ["group", "changed_by"]
    fields = ["group", "asks", "changed_at", "changed_by"]
    readonly_fields = ["changed_at", "changed_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "group"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Through the service, so each change is audited with the trustee who made it.
        services.set_group_check_in(obj.group, actor=request.user, asks=obj.asks)

    def has_delete_permission(self, request, obj=None):
        return False  # switching it off is the change to make; the row keeps who changed it last
