"""How much one person may do in one session's room: one allowance per person per session, shared by every
socket they open and the plain-HTTP fallback, kept in the shared cache (Redis in production), so thirty
tabs or a script posting forms get no more than one careful person.

Fixed windows counted with the cache's atomic `incr`: `ROOM_RATE_LIMIT_EVENTS` per
`ROOM_RATE_LIMIT_SECONDS`, and `ROOM_RATE_LIMIT_PER_MINUTE` over a minute. A burst across a window's edge
may get up to twice the short allowance, which is still small. The first time someone is held back the
leaders get one notice (then at most one a minute), not an alert per refused action. While Redis is down
the cache counts per process (peersupport/cache.py), so several processes allow a few times the limit.
"""

import time

from django.conf import settings
from django.core.cache import cache

from core import live
from sessions.room.protocol import ProtocolError, to_browser

HELD_BACK = "That was a lot at once. Please wait a moment and try again: nothing is wrong."
NOTICE_EVERY_SECONDS = 60


def _count(key: str, window_seconds: float) -> int:
    """Add one to this window's counter and return it (the counter expires after its window)."""
    timeout = int(window_seconds) + 2
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _within_allowance(session_id: int, user_id: int) -> bool:
    now = time.time()
    short = settings.ROOM_RATE_LIMIT_SECONDS
    counts = [
        (_count(f"room-rate:{session_id}:{user_id}:s{int(now // short)}", short), settings.ROOM_RATE_LIMIT_EVENTS),
        (_count(f"room-rate:{session_id}:{user_id}:m{int(now // 60)}", 60), settings.ROOM_RATE_LIMIT_PER_MINUTE),
    ]
    return all(count <= allowed for count, allowed in counts)


def check(session_id: int, user) -> None:
    """Count one action; raise ProtocolError("rate_limited") past the allowance (the leaders hear once)."""
    if _within_allowance(session_id, user.pk):
        return
    if cache.add(f"room-rate-notice:{session_id}:{user.pk}", 1, timeout=NOTICE_EVERY_SECONDS):
        live.send(
            live.leaders_group(session_id),
            to_browser(
                "notice",
                session_id=session_id,
                message=(
                    f"{user.display_name} is sending a lot at once. The room is holding some of it back for a "
                    "moment and has told them kindly."
                ),
            ),
        )
    raise ProtocolError("rate_limited", HELD_BACK)
