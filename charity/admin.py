from django.contrib import admin

from charity.models import Charity


@admin.register(Charity)
class CharityAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "safeguarding_email"]

    def has_add_permission(self, request) -> bool:
        return False  # one row, made by manage.py setup_charity

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
