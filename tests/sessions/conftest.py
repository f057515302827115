"""Fixtures for the sessions tests: sessions at useful times, a client per rung of the permission ladder."""

from datetime import timedelta

import pytest

LINK = "https://meet.example.org/secret-room-7f3a"  # the session_factory's default meeting link

# Everyone on the ladder who is not an active member of cast.group, and what a guarded page gives them.
OUTSIDERS = ["outsider", "other_leader", "trustee"]
REFUSED_MEMBERS = ["pending", "suspended", "removed"]


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@pytest.fixture
def upcoming(cast, session_factory):
    """A session of cast.group tomorrow."""
    return session_factory(cast.group, starts_in=timedelta(days=1))


@pytest.fixture
def joinable(cast, session_factory):
    """A session of cast.group starting in five minutes: inside the join window."""
    return session_factory(cast.group, starts_in=timedelta(minutes=5), topic="Finding calm")


@pytest.fixture
def client_as(client, cast):
    """client_as("member") -> the test client logged in as that person of the cast (or anonymous)."""

    def login(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(cast, role))
        return client

    return login


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def page_text(response) -> str:
    """The response body with HTML entities decoded, for checking what a person reads."""
    import html

    return html.unescape(response.content.decode())


# The permission ladder: who opens a guarded page, and what they get ("login" = sent to sign in).
MEMBER_PAGE_LADDER = [
    ("anonymous", "login"),
    ("outsider", 404),
    ("other_leader", 404),
    ("trustee", 404),
    ("pending", 403),
    ("suspended", 403),
    ("removed", 403),
    ("member", 200),
    ("leader", 200),
]
LEADER_PAGE_LADDER = [(role, 403 if role == "member" else expected) for role, expected in MEMBER_PAGE_LADDER] + [
    ("co_leader", 200)
]


def assert_ladder(response, expected) -> None:
    """Check one rung of the ladder."""
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected, response.content.decode()[:500]
