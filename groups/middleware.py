"""Leaders and trustees set up two-step verification before any other page opens.

In groups because leading a group (groups/roles.py) is one of the reasons; members/middleware.py keeps the
member's own time zone.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from groups.roles import needs_mfa
from members.roles import has_mfa

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
                "Please set it up to continue: an authenticator app here, or a passkey (Account, "
                "Two-step verification, Security keys), which no fake website can trick out of you.",
            )
            # Back to the page they asked for afterwards, encoded, and only if it is a path on this site.
            back = request.get_full_path()
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = "/"
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': back})}")
        return self.get_response(request)
