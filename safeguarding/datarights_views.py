"""The member's data-protection complaint form (the law asks for an electronic one; acknowledged within 30 days)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from safeguarding import datarights_services
from safeguarding.datarights import DataRightsRequest
from safeguarding.forms import posted


class DataComplaintForm(forms.Form):
    details = forms.CharField(
        label="What is your complaint about how we use your data?",
        max_length=datarights_services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Only the charity's trustees read this. It is kept encrypted.",
        error_messages={"required": "Please write what your complaint is about."},
    )


@never_cache
@login_required
def data_complaint(request: HttpRequest) -> HttpResponse:
    form = DataComplaintForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            complaint = datarights_services.raise_data_complaint(
                person=request.user, details=form.cleaned_data["details"]
            )
        except ValidationError as exc:
            form.add_error("details", exc.messages)
        else:
            messages.success(
                request,
                f"Thank you. The trustees will acknowledge your complaint by "
                f"{complaint.acknowledge_by():%-d %B %Y}, and then answer it.",
            )
            return redirect("safeguarding:data_complaint")
    mine = DataRightsRequest.objects.filter(person=request.user, kind=DataRightsRequest.Kind.COMPLAINT)
    return render(request, "safeguarding/data_complaint.html", {"form": form, "complaints": mine})
