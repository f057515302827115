"""The wellbeing tests use the site-wide page list's `site` (one of everything) and its signed-in browser contexts."""

import pytest

from tests.browser.conftest import context_for, site  # noqa: F401


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""
