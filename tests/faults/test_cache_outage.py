"""The cache keeps answering while Redis is down (peersupport/cache.py), so sign-in keeps working.

The cache holds allauth's sign-in rate limits and used two-step codes. These tests point the cache at a
Redis port nobody listens on (a real connection refused); the full outage with a production server
is tests/faults/test_redis_outage.py.
"""

import logging

import pytest
from django.core.cache.backends.redis import RedisCache

import peersupport.cache
from peersupport.cache import ResilientRedisCache
from tests.fixtures.servers import free_port


@pytest.fixture
def unreachable(monkeypatch):
    # What the cache shares across a process (peersupport/cache.py) starts afresh: Redis not yet seen down.
    monkeypatch.setattr(peersupport.cache, "_shared", {})
    return f"redis://127.0.0.1:{free_port()}/0"


def test_positive_control_djangos_own_redis_cache_fails_when_redis_is_down(unreachable):
    import redis

    with pytest.raises(redis.exceptions.ConnectionError):
        RedisCache(unreachable, {}).get("anything")


def test_every_cache_call_is_answered_from_memory_while_redis_is_down(unreachable):
    cache = ResilientRedisCache(unreachable, {})
    assert cache.add("tries", 1) is True
    assert cache.add("tries", 5) is False
    assert cache.incr("tries") == 2
    assert cache.get("tries") == 2
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.has_key("a")
    cache.delete("a")
    assert cache.get("a") is None
    assert cache.get_or_set("c", 3) == 3


def test_the_outage_is_logged_once_without_any_key(unreachable, caplog):
    cache = ResilientRedisCache(unreachable, {})
    with caplog.at_level(logging.WARNING, logger="peersupport.cache"):
        for n in range(5):
            cache.set(f"allauth:rl:login_failed:ip:203.0.113.{n}", [1])
    assert len(caplog.records) == 1
    assert "203.0.113" not in caplog.text and "allauth" not in caplog.text


def test_sign_in_works_and_is_still_throttled_while_redis_is_down(client, user_factory, settings, unreachable):
    from django.urls import reverse

    from tests.fixtures.factories import TEST_PASSWORD

    settings.CACHES = {"default": {"BACKEND": "peersupport.cache.ResilientRedisCache", "LOCATION": unreachable}}
    person = user_factory("down@example.org")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": person.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD})
    assert b"Too many failed login attempts" in response.content  # the throttle still counts, in memory
    other = user_factory("fine@example.org")
    response = client.post(reverse("account_login"), {"login": other.email, "password": TEST_PASSWORD})
    assert response.status_code == 302  # and an honest sign-in works


def test_every_context_of_the_process_shares_the_memory_and_the_warning(unreachable, caplog):
    """Django makes a cache object per async context, so each room socket has its own. While Redis is down,
    the room's rate limit still counts per process (not per socket), and the outage is logged once."""
    with caplog.at_level(logging.WARNING, logger="peersupport.cache"):
        sockets = [ResilientRedisCache(unreachable, {}) for _ in range(3)]
        for cache in sockets:
            cache.add("room-rate:1:2:s1", 0)
            cache.incr("room-rate:1:2:s1")
    assert sockets[0].get("room-rate:1:2:s1") == 3
    assert len(caplog.records) == 1
