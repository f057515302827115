"""Who may open the trustees' admin pages: the trustee role and the model permission, both, on every page
of this app (care/admin.py uses it too); and the read-only variant for records nobody edits.
"""

from members.roles import is_trustee


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
