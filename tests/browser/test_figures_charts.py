"""The funders' figures with every chart showing (sessions, follow-ups, wellbeing averages), on a phone in the
dark and on a laptop: the pictures load, axe finds nothing, nothing scrolls sideways. Screenshots go to /tmp."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_problems
from tests.browser.keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("chart.svg", "follow-ups.svg", "wellbeing.svg")


@pytest.mark.parametrize(("width", "scheme"), [(320, "dark"), (1280, "light")])
def test_the_figures_page_with_its_charts_passes_axe(site, context_for, live_asgi, width, scheme):
    page = context_for(site.cast.trustee, width=width, scheme=scheme).new_page()
    page.goto(f"{live_asgi.url}/safeguarding/figures/")
    expect(page.get_by_role("table", name="Average answer to each question (0 to 10)")).to_be_visible()
    for chart in CHARTS:
        image = page.locator(f"img[src*='{chart}']")
        expect(image).to_have_count(1)
        assert image.evaluate("image => image.complete && image.naturalWidth > 0"), f"{chart} did not load"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_problems(page) == []
    page.screenshot(path=f"/tmp/i19-figures-{width}-{scheme}.png", full_page=True)


def test_a_trustee_reaches_the_csv_by_keyboard(site, context_for, live_asgi):
    page = context_for(site.cast.trustee).new_page()
    page.goto(f"{live_asgi.url}/safeguarding/figures/")
    tab_to(page, page.get_by_role("link", name="Download these figures (CSV)"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Wellbeing check-in (ONS4)" in text and "People who answered,5" in text
