"""The care tests use the site-wide page list's `site` (one of everything) and its signed-in browser contexts."""

from tests.browser.conftest import context_for, site  # noqa: F401
