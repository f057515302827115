"""axe judges a page with its stylesheet applied, however late the stylesheet arrives (a CI run under load
once measured the unstyled navigation links of a page at 17 px and failed it)."""

import pytest

from tests.browser.conftest import axe_problems

pytestmark = pytest.mark.browser


def test_a_late_stylesheet_is_waited_for(browser_context, live_asgi):
    page = browser_context().new_page()
    # Every request takes a second and a half longer (Chromium's own network throttling), so the page's text
    # is there well before its stylesheet.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.goto(f"{live_asgi.url}/help/", wait_until="domcontentloaded")
    assert axe_problems(page) == []
