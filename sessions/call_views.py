"""The video call's one endpoint: a fresh credential for the page's script, at the moment of joining.

POST only (a credential is made by a click, never by a link or a prefetch), JSON only, never cached. The
answer goes straight to the embedded client; no page, URL, log or database row ever holds it.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sessions import call
from sessions.room.admission import RoomNotOpen, RoomRefused
from sessions.room.protocol import error
from sessions.video import provider


def video_call_page(view):
    """Mark a page that embeds the call: the security headers middlewares open its CSP and Permissions-Policy
    to the configured video engine for this response only (peersupport/middleware.py)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.video_client = provider().client()
        return response

    return wrapped


@never_cache
@login_required
@require_POST
def call_credential(request: HttpRequest, session_id: int) -> JsonResponse:
    try:
        credential = call.credential_for(request.user, session_id)
    except Http404:
        return JsonResponse(error("not_found", "No such session."), status=404)
    except RoomNotOpen as exc:
        return JsonResponse(error("not_open", str(exc)), status=409)
    except PermissionDenied as exc:
        return JsonResponse(error("forbidden", str(exc)), status=403)
    except RoomRefused as exc:
        status = {"waiting": 409, "not_in_room": 409, "not_open": 409, "not_embedded": 409}.get(exc.code, 403)
        return JsonResponse(error(exc.code, exc.message), status=status)
    return JsonResponse(credential)  # never_cache: no-store
