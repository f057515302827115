"""{{ item|row_header }}: a table row's first cell, as Django's admin renders it, marked scope="row"."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def row_header(cell: SafeString) -> SafeString:
    """Django renders the first cell as <th class="field-…">; anything else is left as it is."""
    text = str(cell)
    if text.startswith("<th") and "scope=" not in text.split(">", 1)[0]:
        return mark_safe('<th scope="row"' + text[3:])  # noqa: S308  # nosec B308 B703: Django's own escaped cell
    return cell
