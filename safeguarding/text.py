"""Reasons and notes must hold text a reader can see.

A reason of a zero-width space passes `str.strip()` and Django's `required`, and then stands in the
audit trail as a reason nobody can read. One validator for every reason and note people write for the
record (reveals, removals, case notes, concerns, camera-off notices): normalise (NFC), trim invisible
characters from both ends, and refuse text made only of space, format and control characters.
"""

import unicodedata

from django.core.exceptions import ValidationError

# Separators (Zs, Zl, Zp), controls (Cc) and format characters (Cf: zero-width spaces and joiners,
# direction marks, the byte-order mark).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
# Letters and symbols that Unicode does not class as space or format but that render as nothing:
# Hangul fillers and the blank braille pattern.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANK_CHARACTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def visible_text(value: str | None) -> str:
    """The text normalised and trimmed of invisible edges; "" when nothing visible is left."""
    text = unicodedata.normalize("NFC", value or "")
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def required_visible_text(value: str | None, *, what: str, field: str, max_length: int = 10_000) -> str:
    """The visible text, or a ValidationError on `field` asking kindly for `what`."""
    text = visible_text(value)
    if not text:
        raise ValidationError({field: f"Please write {what}."})
    if len(text) > max_length:
        raise ValidationError({field: f"Please keep this under {max_length:,} characters."})
    return text


def validate_visible(value: str) -> None:
    """A form field validator: refuse text with nothing visible in it."""
    if not visible_text(value):
        raise ValidationError("Please write something we can read: this holds only spaces or invisible characters.")
