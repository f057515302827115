"""The Redis cache, made to keep the site up while Redis is down.

The cache holds sign-in rate limits and used two-step codes (allauth), nothing the room needs: room
state lives in the database. With Django's own Redis backend, a Redis outage turned every sign-in into
an error page. Here each call that cannot reach Redis is answered by a small cache in this process's
memory instead, so sign-in keeps working and its rate limits still count (per process, until Redis is
back). One warning is logged when Redis goes away and one when it returns; keys are never logged (they
hold addresses and email addresses).

Django makes a cache object per async context, so each room socket gets one of its own. Everything that
belongs to the process is therefore kept once per process and shared by those objects: the connection pool
(one per socket meant a new Redis connection on each socket's first action, and as many connections as
sockets), the memory used during an outage, and whether Redis is down (one warning, not one per socket).
"""

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


@dataclass
class _Shared:
    """What every cache object of one process and one configuration shares."""

    client: RedisCacheClient
    fallback: LocMemCache
    redis_down: bool = field(default=False)


_shared: dict[str, _Shared] = {}
_shared_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        import redis

        self._redis_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._fallback_timeout = params.get("TIMEOUT", 300)

    @cached_property
    def _process(self) -> _Shared:
        key = repr((self._servers, sorted(self._options.items()), self._fallback_timeout))
        with _shared_lock:
            if key not in _shared:
                _shared[key] = _Shared(
                    # redis-py's connection pools are thread-safe; Django's client holds one per server.
                    client=self._class(self._servers, **self._options),
                    fallback=LocMemCache(
                        f"peersupport-fallback-{len(_shared)}", {"TIMEOUT": self._fallback_timeout, "OPTIONS": {}}
                    ),
                )
            return _shared[key]

    @cached_property
    def _cache(self) -> RedisCacheClient:
        return self._process.client

    @property
    def _fallback(self) -> LocMemCache:
        return self._process.fallback

    def _call(self, name: str, *args, **kwargs):
        shared = self._process
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except self._redis_errors as exc:
            if not shared.redis_down:
                logger.warning("cache: Redis unreachable (%s); using this process's memory", type(exc).__name__)
                shared.redis_down = True
            return getattr(shared.fallback, name)(*args, **kwargs)
        if shared.redis_down:
            logger.warning("cache: Redis answers again")
            shared.redis_down = False
        return result

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
