"""Unknown is not absent: whether the no-leader check may trust what it reads about leaders' dashboards.

A leader's dashboard counts as open through its socket's connection row (`RoomConnection`), kept fresh by
heartbeats that arrive over the channel layer (Redis). While Redis is down no socket can be held, so every
open session looks leaderless; and in production the Celery broker is the same Redis, so the first check
after an outage finds rows gone stale while nobody was looking. Both are "we could not see", not "nobody
was there". So:

- each check first asks the channel layer's Redis for a PING; if it cannot answer, nothing is sent, and one
  content-free warning is logged for the whole outage (the row below is claimed by whichever worker sees it
  first);
- when presence can be read again (Redis answers, or the check runs again after missing several beats),
  the absence clock restarts: an absence counts only the minutes since then. That gives dashboards time to
  reconnect rather than waking every leader the moment Redis returns. An absence noticed before the outage
  keeps its alert (NoLeaderAlert is keyed on when the absence began), so nobody is told twice.
"""

import logging
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.utils import timezone

from wellbeing.models import PresenceWatch

logger = logging.getLogger(__name__)

# Beat runs the check every minute: a longer silence means presence went unwatched for a while.
WATCH_GAP = timedelta(minutes=3)
PING_TIMEOUT_SECONDS = 1


def _layer_address() -> str | None:
    """The channel layer's Redis, as channels_redis is configured with it (None for the in-process layer)."""
    hosts = settings.CHANNEL_LAYERS.get("default", {}).get("CONFIG", {}).get("hosts") or []
    if not hosts:
        return None
    host = hosts[0]
    if isinstance(host, dict):  # channels_redis also takes {"address": "redis://..."}
        host = host.get("address")
    if isinstance(host, (tuple, list)):
        host = f"redis://{host[0]}:{host[1]}"
    return host


def channel_layer_answers() -> bool:
    """True if the channel layer's Redis answers a PING (always, for the in-process layer of a single process)."""
    address = _layer_address()
    if address is None:
        return True
    client = redis.Redis.from_url(
        address, socket_connect_timeout=PING_TIMEOUT_SECONDS, socket_timeout=PING_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


class PresenceUnknown(Exception):
    """Who has a dashboard open cannot be read now: send nothing."""


def counting_from(now: datetime | None = None) -> datetime | None:
    """The moment absences may be counted from (None: from whenever they began), or PresenceUnknown."""
    now = now or timezone.now()
    watch, _ = PresenceWatch.objects.get_or_create(pk=1)
    rows = PresenceWatch.objects.filter(pk=1)
    if not channel_layer_answers():
        if rows.filter(unreadable_since__isnull=True).update(unreadable_since=now):
            logger.warning(
                "wellbeing: leaders' presence cannot be read (the channel layer does not answer); "
                "no-leader alerts wait until it can"
            )
        raise PresenceUnknown
    unwatched = watch.last_read_at is not None and now - watch.last_read_at > WATCH_GAP
    if watch.unreadable_since is not None or unwatched:
        if rows.filter(last_read_at=watch.last_read_at).update(
            last_read_at=now, unreadable_since=None, readable_again_at=now
        ):
            logger.info("wellbeing: leaders' presence can be read again; absences are counted from now")
        return now
    rows.update(last_read_at=now)
    return watch.readable_again_at
