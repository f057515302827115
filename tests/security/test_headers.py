"""Security headers on every response, and cookie flags, in development and production settings."""

import pytest
from django.urls import reverse

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
    from tests.conftest import TEST_PASSWORD

    user = user_factory()
    client.get(reverse("account_login"), secure=True)
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, secure=True)
    session_cookie = client.cookies["sessionid"]
    csrf_cookie = client.cookies["csrftoken"]
    for cookie in (session_cookie, csrf_cookie):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
