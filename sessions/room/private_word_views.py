"""A word in private's two endpoints (sessions/room/private_word.py): the private room's credential, at the
moment both pages switch to it (POST, JSON, never cached, like the group call's), and who is in a private word
now, for the pages' script on load and on every (re)connect (names and ids only, never anything said)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sessions.room.admission import RoomNotOpen, RoomRefused, current_seat, get_room_for_user
from sessions.room.private_word import current_words, private_credential_for
from sessions.room.protocol import error


@never_cache
@login_required
@require_POST
def private_credential(request: HttpRequest, session_id: int) -> JsonResponse:
    try:
        credential = private_credential_for(request.user, session_id)
    except Http404:
        return JsonResponse(error("not_found", "No such session."), status=404)
    except RoomNotOpen as exc:
        return JsonResponse(error("not_open", str(exc)), status=409)
    except PermissionDenied as exc:
        return JsonResponse(error("forbidden", str(exc)), status=403)
    except RoomRefused as exc:
        status = 403 if exc.code in {"forbidden", "removed"} else 409
        return JsonResponse(error(exc.code, exc.message), status=status)
    return JsonResponse(credential)  # never_cache: no-store


@never_cache
@login_required
@require_GET
def private_words(request: HttpRequest, session_id: int) -> JsonResponse:
    try:
        get_room_for_user(request.user, session_id)  # 404 for anyone outside the group, as every room URL
        seat = current_seat(session_id, request.user)
    except Http404:
        return JsonResponse(error("not_found", "No such session."), status=404)
    except RoomNotOpen as exc:
        return JsonResponse(error("not_open", str(exc)), status=409)
    except PermissionDenied as exc:
        return JsonResponse(error("forbidden", str(exc)), status=403)
    except RoomRefused as exc:
        return JsonResponse(error(exc.code, exc.message), status=403 if exc.code != "not_open" else 409)
    return JsonResponse({"words": current_words(session_id, request.user, is_leader=seat.is_leader)})
