"""One Redis connection pool for the cache per process, however many sockets use it.

Django makes a cache object per async context, so every room socket had its own Redis connection pool:
each socket's first action opened a new connection (with redis-py looking its own version up on disk for
each one, about a millisecond of the server's time per raised hand in bench/), and a process holding
1,000 sockets could hold 1,000 connections to Redis.
"""

import os

import pytest
import redis

from peersupport.cache import ResilientRedisCache

pytestmark = pytest.mark.integration


def test_many_cache_objects_share_one_connection_pool():
    url = os.environ["REDIS_URL"]
    watcher = redis.Redis.from_url(url)
    before = watcher.info("clients")["connected_clients"]
    sockets = [ResilientRedisCache(url, {}) for _ in range(20)]
    for n, cache in enumerate(sockets):
        cache.set(f"connections-test:{n}", n, timeout=30)
    assert [cache.get(f"connections-test:{n}") for n, cache in enumerate(sockets)] == list(range(20))
    opened = watcher.info("clients")["connected_clients"] - before
    assert opened <= 2, f"{opened} new Redis connections for 20 cache objects"
    watcher.close()
