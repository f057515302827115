"""Security headers on every response, and cookie flags, in development and production settings."""

import pytest
from django.urls import reverse

from tests.security.policy import SITE_POLICY, parse_policy

PAGES = ["home", "safeguarding_policy", "account_login", "account_signup", "groups:directory"]


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_a_csp_without_inline_scripts(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    directives = csp_directives(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_the_sites_policy_word_for_word(client, db, name):
    response = client.get(reverse(name))
    assert parse_policy(response["Content-Security-Policy"]) == parse_policy(SITE_POLICY)
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), interest-cohort=()"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_the_protective_headers(client, db, name):
    response = client.get(reverse(name))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response
    assert parse_policy(response["Content-Security-Policy"]) == parse_policy(SITE_POLICY)
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_the_csp_would_block(client, cast):
    """CSP would silently break an inline script: make sure we never ship one."""
    client.force_login(cast.member)
    for url in [reverse("home"), reverse("groups:mine"), cast.group.get_absolute_url()]:
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {url}: <script{tag}>"


@pytest.fixture
def production(settings):
    """The production values (tests/foundation/test_settings.py proves settings.py sets them)."""
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP; secure=True below
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_production_sends_hsts_over_https(client, db, production):
    response = client.get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, user_factory, production):
    from tests.fixtures.factories import TEST_PASSWORD

    user = user_factory()
    client.get(reverse("account_login"), secure=True)
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, secure=True)
    session_cookie = client.cookies["sessionid"]
    csrf_cookie = client.cookies["csrftoken"]
    for cookie in (session_cookie, csrf_cookie):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


# --- every URL, not just the public pages ----------------------------------------------------------


def check_headers(response, url: str) -> None:
    directives = csp_directives(response)
    assert "'unsafe-inline'" not in directives["script-src"], url
    assert "'unsafe-eval'" not in directives["script-src"], url
    assert directives["frame-ancestors"] == "frame-ancestors 'none'", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    # Pages holding a capability token (the calendar address) send no referrer at all: stricter still.
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer"}, url
    assert response["X-Frame-Options"] == "DENY", url


def urls_to_fetch(world) -> list[str]:
    """Every URL with real records (tests/security/routes.py), every URL and admin page with sample ids
    (tests/security/test_csrf.py), a static file and a page that does not exist."""
    from tests.security.routes import ROUTES, url_for
    from tests.security.test_csrf import URLS

    real = [url_for(name, world, world.a) for name, route in ROUTES.items() if "GET" in route.methods]
    return [*sorted(set(real + URLS)), "/static/css/site.css", "/no-such-page/"]


@pytest.mark.parametrize("role", ["anonymous", "member", "leader", "trustee"])
def test_every_response_of_every_url_carries_the_headers(client, world, role):
    from tests.security.conftest import login_as

    statuses = set()
    for url in urls_to_fetch(world):
        login_as(client, world.cast, role)
        response = client.get(url)
        statuses.add(response.status_code)
        check_headers(response, url)
    assert {200, 302, 404} <= statuses  # pages, redirects and refusals alike


def test_production_sends_hsts_on_every_url_and_only_safe_cookies(client, world, production):
    from tests.security.conftest import login_as

    for url in urls_to_fetch(world):
        login_as(client, world.cast, "leader")
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
        assert "includeSubDomains" in response["Strict-Transport-Security"], url
        for name, cookie in response.cookies.items():
            if cookie.value:  # a deleted cookie carries no value to protect
                assert cookie["secure"] is True, (url, name)
                assert cookie["httponly"] is True, (url, name)
                assert cookie["samesite"] == "Lax", (url, name)


def test_json_answers_are_not_sniffed_as_html(auth_client, world):
    """The room's JSON (which can hold names people chose) is served as JSON, never guessable as HTML."""
    from django.urls import reverse

    for who, url in [
        (world.cast.member, reverse("sessions:room_state", args=[world.a.open_session.pk])),
        (world.cast.leader, reverse("sessions:dashboard_snapshot", args=[world.a.open_session.pk])),
    ]:
        client = auth_client(who)
        client.get(reverse("sessions:room", args=[world.a.open_session.pk]))  # come into the room first
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff"
