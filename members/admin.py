from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction

from members import services
from members.models import User


class UserChangeForm(BaseUserChangeForm):
    """Django's, drawing the read-only password summary (a <div>) without "disabled", which only form
    controls may carry (the W3C Nu checker)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget.template_name = "members/widgets/read_only_password_hash.html"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    ordering = ["display_name"]
    list_display = ["display_name", "email", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["display_name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "pronouns", "time_zone", "email_reminders"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    # Who holds power is decided by superusers only: a trustee may disable an account (is_active) but must
    # not be able to grant themselves or anyone else staff, superuser, roles or permissions.
    ACCESS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
    # Whoever sets someone's password or sign-in email can sign in as them (and then reach their groups'
    # meetings and rooms): superusers only, audited, and the person is emailed (members.services).
    SIGN_IN_FIELDS = ("email",)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.ACCESS_FIELDS
            if obj is not None:
                readonly += self.SIGN_IN_FIELDS
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # The password field only links to the set-password page, which is refused to them anyway.
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f != "password"]}) for name, opts in fieldsets]

    def has_add_permission(self, request):
        # Whoever creates an account in the admin chooses its password: people sign up themselves.
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Deleting an account in the admin skips the erasure workflow (peersupport/gdpr.py), which keeps the
        # safeguarding records the charity must keep, pseudonymised: a trustee erases through that, not here.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # a trustee can look at a superuser's account, not disable or edit it
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    services.record_password_set_by_admin(user, actor=request.user)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.change_sign_in_email(
                obj, actor=request.user, new_email=obj.email, old_email=form.initial.get("email", "")
            )

    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})]
