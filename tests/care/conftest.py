from datetime import timedelta

import pytest

from sessions import room
from sessions.models import GroupSession


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@pytest.fixture
def open_session(cast, session_factory) -> GroupSession:
    """A session of the cast's group that started ten minutes ago, with its room open."""
    return session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)


def enter(cast, session, user):
    room.enter(session, cast.group.memberships.get(user=user))


def act(session, user, **data):
    from sessions.room_protocol import parse

    return room.perform(session.pk, user, parse(data, is_leader=False))
