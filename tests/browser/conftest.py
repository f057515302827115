"""Fixtures for the accessibility and keyboard tests: one of everything (the `site`), signed-in contexts, axe."""

import shutil
import time

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.nu import NuChecker, find_vnu_jar
from tests.browser.site_pages import Site, build_site
from tests.fixtures.gates import need_service
from tests.fixtures.servers import free_port

SERIOUS = {"serious", "critical"}
# axe's defaults, plus WCAG 2.2's minimum target size (24 by 24 pixels), which axe leaves off by default.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
# True once every linked stylesheet has loaded (a link's `sheet` stays null until it has, or if it failed).
STYLESHEETS_APPLIED = "() => [...document.querySelectorAll('link[rel=stylesheet]')].every((link) => link.sheet)"


@pytest.fixture(scope="session")
def nu_checker():
    """The W3C Nu HTML Checker, started once for the whole run (tests/browser/nu.py)."""
    jar = find_vnu_jar()
    need_service(jar is not None and shutil.which("java") is not None, "vnu.jar or java missing (see .ci/run)")
    checker = NuChecker(jar, free_port())
    yield checker
    checker.close()


@pytest.fixture
def site(cast, group_factory, membership_factory, session_factory, user_factory) -> Site:
    return build_site(
        cast,
        group_factory=group_factory,
        membership_factory=membership_factory,
        session_factory=session_factory,
        user_factory=user_factory,
    )


def sign_in(client, user) -> None:
    """Log the client in as if the user had just signed in (password, then TOTP for leaders and trustees).

    The sign-in itself is tested in tests/members; allauth's account pages that change sign-in settings
    ask for the password again unless the session holds a recent (re)authentication, so one is recorded.
    """
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
    records[-1]["reauthenticated"] = True
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def session_cookie(user) -> str:
    """A real Django session for the user, freshly signed in."""
    client = Client()
    sign_in(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def context_for(browser_context, live_asgi):
    """context_for(user or None, width=1280, scheme="light") -> a browser context signed in as the user."""

    def make(user, *, width: int = 1280, scheme: str = "light", **options):
        context = browser_context(viewport={"width": width, "height": 900}, color_scheme=scheme, **options)
        if user is not None:
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": live_asgi.url}]
            )
        return context

    return make


def axe_problems(page) -> list[str]:
    """Serious and critical axe violations on the page, one readable line per rule and element."""
    from axe_playwright_python.sync_playwright import Axe

    # A page is judged as people see it: with its stylesheets applied. Playwright finds an element visible
    # as soon as it is laid out, which under load can be before the stylesheet has arrived; axe would then
    # measure unstyled links (17 px tall) and the skip link in view.
    page.wait_for_load_state("load")
    page.wait_for_function(STYLESHEETS_APPLIED)
    problems = []
    for violation in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = node.get("failureSummary", "").replace("\n", " ")
            problems.append(f"{violation['id']} ({violation['impact']}) at {target}: {summary}")
    return problems
