"""The security headers a page carries beyond Django's own (SecurityMiddleware, XFrameOptionsMiddleware).

The Content-Security-Policy is django-csp's (settings.CONTENT_SECURITY_POLICY); the Permissions-Policy, which
django-csp does not write, is the small middleware below. Pages that embed the video call (the room and the
dashboard, marked by sessions.call_views.video_call_page) carry the provider's browser client on the response:
for that response only, both headers open to the configured video engine.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


def embedded_call(response):
    """The video client of a call page that was served (200) with the call embedded; None everywhere else."""
    client = getattr(response, "video_client", None)
    if client is not None and client.embedded and response.status_code == 200:
        return client
    return None


def video_call_directives(client) -> dict[str, list[str]]:
    """What the call adds to the site's CSP: the engine's origins in connect-src, script-src and frame-src only."""
    return {
        "connect-src": list(client.connect),
        "script-src": list(client.extra_scripts),
        "frame-src": [SELF, *client.frame],
    }


def video_call_permissions(client) -> str:
    """Camera and microphone for this page (and the engine's frame, if it embeds one); nothing else changes."""
    allowed = " ".join(["self", *(f'"{origin}"' for origin in client.frame)])
    return f"camera=({allowed}), microphone=({allowed}), geolocation=(), interest-cohort=()"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the video engine's origins added on a call page.

    get_policy_parts is django-csp's documented place to extend the policy per response (its own
    csp.contrib.rate_limiting does the same); its decorators take a fixed policy, and the engine's origins are
    read from the settings for each response.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        client = embedded_call(response)
        if client is not None and not report_only:
            update = {name: list(values) for name, values in (parts.update or {}).items()}
            for name, origins in video_call_directives(client).items():
                update[name] = [*update.get(name, []), *origins]
            parts.update = update
        return parts


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (django-csp writes only the CSP): no camera, microphone or location, except
    camera and microphone on a page with the call embedded. A header the view set itself is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        client = embedded_call(response)
        response.setdefault("Permissions-Policy", video_call_permissions(client) if client else PERMISSIONS_POLICY)
        return response
