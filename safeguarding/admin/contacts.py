"""Contact details and their reveals: who has shared them, the reveal page (a reason, audited), and the
record of every reveal. The details themselves are never listed.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from safeguarding import services
from safeguarding.admin.access import ReadOnlyMixin
from safeguarding.forms import RevealForm, posted
from safeguarding.models import ContactAccess, ContactDetails


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
