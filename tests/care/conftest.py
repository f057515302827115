"""The care tests use the site-wide page list's `site` (one of everything) as well as the cast."""

from tests.browser.conftest import site  # noqa: F401
