"""CSRF is enforced on every URL of the app and the admin: a POST without the token is refused.

The test client normally skips CSRF checks; `Client(enforce_csrf_checks=True)` does what a browser
gets. Every named URL is posted to (object ids need not exist: the CSRF check runs before the view),
and the positive control posts the same with a valid token, which must get past the check.
"""

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

CSRF_FAILURE = b"CSRF verification failed"
SAMPLES = {"int": "1", "slug": "some-group", "str": "some-token", "path": "1"}
REGEX_SAMPLES = {"key": "some-key", "uidb36": "1", "app_label": "safeguarding", "object_id": "1"}


def _sample_kwargs(pattern) -> dict:
    if isinstance(pattern.pattern, RoutePattern):
        return {
            name: SAMPLES.get(type(converter).__name__.replace("Converter", "").lower(), "1")
            for name, converter in pattern.pattern.converters.items()
        }
    return {name: REGEX_SAMPLES[name] for name in pattern.pattern.regex.groupindex}


def every_url() -> list[str]:
    """One concrete path for every named URL, admin included."""
    urls = []

    def walk(patterns, namespace="", outer=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                # An include's own arguments (allauth's passkeys: keys/<int:pk>/ then remove/) count too.
                yield from walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                    {**(outer or {}), **_sample_kwargs(pattern)},
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", {**(outer or {}), **_sample_kwargs(pattern)}

    for name, kwargs in walk(get_resolver().url_patterns):
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


URLS = every_url()


@pytest.fixture
def browser_like(cast):
    """browser_like(user) -> a client signed in as user that enforces CSRF like a browser would."""

    def make(user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


def test_the_list_covers_the_app_and_the_admin():
    assert len(URLS) > 150
    assert "/admin/safeguarding/concern/1/change/" in URLS
    assert "/sessions/1/dashboard/action/" in URLS
    assert "/accounts/login/" in URLS


@pytest.mark.parametrize("who", ["leader", "trustee"])
def test_every_post_without_the_token_is_refused(browser_like, cast, who):
    client = browser_like(getattr(cast, who))
    for url in URLS:
        response = client.post(url, {"text": "anything"})
        assert response.status_code == 403 and CSRF_FAILURE in response.content, url


def test_a_post_from_another_site_is_refused_even_with_a_token(browser_like, cast):
    """Django also checks the Origin header: a forged form on evil.example carrying a stolen token fails."""
    client = browser_like(cast.member)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        reverse("safeguarding:withdraw_contact_details"),
        {"csrfmiddlewaretoken": secret},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403 and CSRF_FAILURE in response.content


def test_sign_in_itself_needs_the_token(db):
    """Login CSRF: another site must not sign a visitor in to an account of the attacker's choosing."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x@example.org", "password": "y"})
    assert response.status_code == 403 and CSRF_FAILURE in response.content


@pytest.mark.parametrize("who", ["leader", "trustee"])
def test_positive_control_the_same_posts_with_the_token_get_past_the_check(browser_like, cast, who):
    for url in URLS:
        client = browser_like(getattr(cast, who))  # a fresh sign-in each time: some of these posts sign out
        secret = _get_new_csrf_string()
        client.cookies["csrftoken"] = secret
        response = client.post(url, {"csrfmiddlewaretoken": secret})
        assert CSRF_FAILURE not in response.content, url
