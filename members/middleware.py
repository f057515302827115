import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from members.roles import has_mfa, needs_mfa

# Pages a leader or trustee may still open before setting up two-step verification.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz/")


class RequireMFAForStaffMiddleware:
    """Leaders and trustees are sent to set up TOTP before any other page (leader pages, admin) opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and needs_mfa(user)
            and not has_mfa(user)
        ):
            messages.info(
                request,
                "Leaders and trustees protect members' information with two-step verification. "
                "Please set it up to continue.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show dates and times in the member's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz_name = getattr(request.user, "time_zone", None) if request.user.is_authenticated else None
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
