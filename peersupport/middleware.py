from django.conf import settings

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


def video_call_policy(policy: str, client) -> str:
    """The site's CSP with the video engine's origins added to connect-src, script-src and frame-src only."""
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    directives.setdefault("frame-src", ["'self'"])
    for name, origins in (
        ("connect-src", client.connect),
        ("script-src", client.extra_scripts),
        ("frame-src", client.frame),
    ):
        directives[name] += [origin for origin in origins if origin not in directives[name]]
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def video_call_permissions(client) -> str:
    """Camera and microphone for this page (and the engine's frame, if it embeds one); nothing else changes."""
    allowed = " ".join(["self", *(f'"{origin}"' for origin in client.frame)])
    return f"camera=({allowed}), microphone=({allowed}), geolocation=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every response.

    Pages that embed the video call (the room and the dashboard, marked by sessions.call_views.video_call_page)
    get the same policy opened to the configured video engine, and camera and microphone for themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        client = getattr(response, "video_client", None)
        if client is not None and client.embedded and response.status_code == 200:
            response.setdefault("Content-Security-Policy", video_call_policy(settings.CONTENT_SECURITY_POLICY, client))
            response.setdefault("Permissions-Policy", video_call_permissions(client))
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
