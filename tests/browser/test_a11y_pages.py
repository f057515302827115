"""Every page, for every role, in light and dark, on a small phone and a laptop, passes axe in real Chromium
and the W3C Nu HTML Checker (the markup as the server sent it; for a page reached through a form, the page
as the browser holds it), which reads each page once per role. All pages go to one Nu checker started once
for the run (tests/browser/nu.py).

The pages come from tests/browser/site_pages.py, which test_a11y_coverage.py keeps complete. Each test opens
one browser context and walks its role's pages, collecting problems, and fails once at the end with a list:
page, axe rule, element. A page must also answer with its expected status and, at 320px, not scroll sideways.
"""

import pytest

from tests.browser.conftest import axe_problems
from tests.browser.site_pages import ANONYMOUS, LEADER, MEMBER, TRUSTEE, pages_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, LAPTOP = 320, 1280


# One test walks a whole role's pages (the trustee's: about 100, with the admin): 107 s measured on a busy
# 2-core machine, too close to the suite's 180 s limit for a CI that runs under load.
@pytest.mark.timeout(600)
@pytest.mark.parametrize("width", [PHONE, LAPTOP], ids=["320px", "1280px"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("role", [ANONYMOUS, MEMBER, LEADER, TRUSTEE])
def test_every_page_passes_axe_and_nu(role, scheme, width, site, context_for, live_asgi, nu_checker):
    context = context_for(site.user(role), width=width, scheme=scheme)
    page = context.new_page()
    pages = pages_for(role, site)
    # Pages reached through a form come last: signing in part-way (mfa_authenticate) changes the session.
    pages.sort(key=lambda item: item[0].act is not None)
    problems = []
    # The markup is the same whatever the colour scheme and width (the server knows neither), so the Nu
    # checker reads each role's pages once, in the light laptop variant; axe, which sees colours and layout,
    # runs in all four.
    checks_markup = scheme == "light" and width == LAPTOP
    for entry, path, status in pages:
        if entry.act is not None:
            entry.act(page, site, live_asgi.url)
            markup = page.content()
        else:
            response = page.goto(f"{live_asgi.url}{path}")
            markup = response.text()
            if response.status != status:
                problems.append(f"{path} ({entry}): answered {response.status}, expected {status}")
                continue
        page.wait_for_load_state("load")
        if path.startswith("/admin/"):  # static/js/admin-a11y.js names Django's widgets once they are built
            page.locator("html[data-admin-a11y=done]").wait_for(state="attached")
        where = f"{page.url.removeprefix(live_asgi.url)} ({entry})"
        if width == PHONE and (wide := page.evaluate("document.documentElement.scrollWidth")) > PHONE:
            problems.append(f"{where}: scrolls sideways at {PHONE}px (the page is {wide}px wide)")
        problems.extend(f"{where}: {problem}" for problem in axe_problems(page))
        if checks_markup:
            problems.extend(f"{where}: {problem}" for problem in nu_checker.errors(markup))

    assert pages, f"no pages listed for {role}"
    assert not problems, f"{len(problems)} problems for {role}, {scheme}, {width}px:\n" + "\n".join(problems)
