from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from groups.texts import PRINCIPLES


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"principles": PRINCIPLES})


def safeguarding_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "safeguarding_policy.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
