"""The Redis cache, made to keep the site up while Redis is down.

The cache holds sign-in rate limits and used two-step codes (allauth), nothing the room needs: room
state lives in the database. With Django's own Redis backend, a Redis outage turned every sign-in into
an error page. Here each call that cannot reach Redis is answered by a small cache in this process's
memory instead, so sign-in keeps working and its rate limits still count (per process, until Redis is
back). One warning is logged when Redis goes away and one when it returns; keys are never logged (they
hold addresses and email addresses).
"""

import logging

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        import redis

        self._redis_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._fallback = LocMemCache(
            f"peersupport-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {}}
        )
        self._redis_down = False

    def _call(self, name: str, *args, **kwargs):
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except self._redis_errors as exc:
            if not self._redis_down:
                logger.warning("cache: Redis unreachable (%s); using this process's memory", type(exc).__name__)
                self._redis_down = True
            return getattr(self._fallback, name)(*args, **kwargs)
        if self._redis_down:
            logger.warning("cache: Redis answers again")
            self._redis_down = False
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
