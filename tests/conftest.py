"""The shared fixtures live in plugin modules, one per job (tests/fixtures/):

- gates: which services a run has (integration tests deselected without them, skips failing in CI)
- factories: users, groups, memberships, sessions, trustees and the cast of the permission ladder
- servers: a live ASGI server in a thread, free ports
- browsers: real Chromium through Playwright
- workers: Celery, eager in-process or a real worker
"""

import pytest

pytest_plugins = [
    "tests.fixtures.gates",
    "tests.fixtures.factories",
    "tests.fixtures.servers",
    "tests.fixtures.browsers",
    "tests.fixtures.workers",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (with REDIS_URL the cache is a shared Redis database)."""
    from django.core.cache import cache

    cache.clear()
    yield
