"""One service call from a page, and a word to the person about how it went."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest


def carry_out(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str,
    refused: type[Exception],
    level: int = messages.INFO,
) -> bool:
    """Run `action`; on `refused` (whose text is written for the person) show that text, else `done`.

    Services refuse with exceptions worded for the person reading them ("That request was already
    answered."), so a page only has to pass them on. True if the action went through.
    """
    try:
        action()
    except refused as refusal:
        messages.add_message(request, level, str(refusal))
        return False
    messages.success(request, done)
    return True
