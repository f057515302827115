"""The wellbeing tests use the site-wide page list's `site` (one of everything) and its signed-in browser contexts."""

import pytest

from tests.browser.conftest import context_for, site  # noqa: F401


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process even when REDIS_URL is set (the real worker's test is in tests/integration)."""
    from peersupport.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
