"""Post an admin change form as the browser would: every field and inline as the page shows it, then changes."""

from __future__ import annotations

from datetime import date, datetime

from django.forms import MultiWidget


def _put(data: dict, bound) -> None:
    value = bound.value()
    name = bound.html_name
    if isinstance(bound.field.widget, MultiWidget):
        parts = bound.field.widget.decompress(value) if not isinstance(value, list) else value
        for index, part in enumerate(parts):
            if isinstance(part, datetime | date):
                part = part.isoformat()
            data[f"{name}_{index}"] = "" if part is None else str(part)
        return
    if value is None or value is False:
        return
    if value is True:
        data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    elif isinstance(value, datetime | date):
        data[name] = value.isoformat()
    else:
        data[name] = str(value)


def change_form_data(response) -> dict:
    """The POST data of an admin change page as it stands (its form, and each inline with its management form)."""
    data: dict = {}
    for bound in response.context["adminform"].form:
        _put(data, bound)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            _put(data, bound)
        for form in formset.forms:
            for bound in form:
                _put(data, bound)
    return data
