"""Fixtures for the groups tests: the permission ladder as parameters, and audit-trail helpers."""

import pytest
from django.conf import settings
from django.urls import reverse

# Everyone who might open a group page, in ladder order (the `cast` fixture's attributes).
LADDER = ["anonymous", "outsider", "pending", "member", "suspended", "removed", "leader", "other_leader", "trustee"]

# What each rung gets on a page for the group's members, and on a page for its leaders only.
MEMBER_PAGE = {
    "anonymous": "login",
    "outsider": 404,
    "pending": 403,
    "member": 200,
    "suspended": 403,
    "removed": 403,
    "leader": 200,
    "other_leader": 404,
    "trustee": 404,  # trustees see groups in the admin; a group's own pages are for its people
}
LEADER_PAGE = {**MEMBER_PAGE, "member": 403}


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@pytest.fixture
def as_person(client, cast):
    """as_person("member") -> the test client logged in as that rung of the ladder (or anonymous)."""

    def login(who: str):
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        return client

    return login


def assert_outcome(response, expected, *, success: int = 200) -> None:
    """expected is "login", 403, 404 or 200 (meaning the page's success status, e.g. a 302 after a POST)."""
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse(settings.LOGIN_URL))
    elif expected == 200:
        assert response.status_code == success, response.content[:500]
    else:
        assert response.status_code == expected


@pytest.fixture
def audit_actions():
    """audit_actions() -> the actions recorded in the audit trail so far, oldest first."""
    from core.models import AuditEvent

    return lambda: list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
