"""A step before the room: apps above sessions (wellbeing's monthly check-in) may ask a member to stop by first.

sessions cannot import them, so it asks through its `before_room` signal and follows the first address a
receiver gives. A receiver that fails is logged and skipped: a fault there must never keep someone out of the room.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest

from sessions.signals import before_room

logger = logging.getLogger(__name__)


def step_before_room(request: HttpRequest, session, membership) -> str | None:
    """The address of a step a member should take before coming in, or None (leaders are never stopped)."""
    if membership.is_leader:
        return None
    answers = before_room.send_robust(
        sender=type(session), session=session, user=request.user, next_url=request.get_full_path()
    )
    for receiver, answer in answers:
        if isinstance(answer, Exception):
            logger.error(
                "A step before the room failed (%s); the member goes straight in.",
                receiver.__qualname__,
                exc_info=answer,
            )
        elif answer:
            return answer
    return None
