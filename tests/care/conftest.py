from datetime import timedelta

import pytest

from sessions.models import GroupSession
from sessions.room import dispatch, presence
from tests.browser.conftest import context_for, site  # noqa: F401  (the site-wide page list's fixtures)


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@pytest.fixture
def open_session(cast, session_factory) -> GroupSession:
    """A session of the cast's group that started ten minutes ago, with its room open."""
    return session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)


def enter(cast, session, user):
    presence.enter(session, cast.group.memberships.get(user=user))


def act(session, user, **data):
    from sessions.room.protocol import parse

    return dispatch.perform(session.pk, user, parse(data))
