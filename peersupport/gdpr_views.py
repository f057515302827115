"""A member's own data pages: download everything held about them, and erase their account (peersupport/gdpr.py).

They span every app, so they live in the project package; peersupport/urls.py serves them under /me/ with the
members pages' names (members:my_data, members:download_my_data, members:erase_my_account).
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from peersupport import gdpr
from peersupport.gdpr_forms import EraseAccountForm


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "members/my_data.html")


@never_cache
@login_required
@require_POST
def download_my_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the person, as a JSON file (POST: it is audited, and never cached)."""
    data = gdpr.export_user_data(request.user, actor=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    filename = f"peer-support-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def erase_my_account(request: HttpRequest) -> HttpResponse:
    form = EraseAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            gdpr.erase_account(request.user, actor=request.user)
        except gdpr.ErasureRefused as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(request, "Your account has been erased. Thank you for being part of Peer Support.")
            return redirect("home")
    return render(request, "members/erase_account.html", {"form": form})
