from datetime import timedelta

import pytest

from sessions.models import GroupSession
from sessions.room import dispatch, presence


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Run tasks in-process even when REDIS_URL is set, except in tests that use a real worker."""
    from peersupport.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def open_session(cast, session_factory) -> GroupSession:
    """A session of the cast's group that started ten minutes ago, with its room open."""
    return session_factory(cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN)


def enter(cast, session, user):
    presence.enter(session, cast.group.memberships.get(user=user))


def act(session, user, **data):
    from sessions.room.protocol import parse

    return dispatch.perform(session.pk, user, parse(data, is_leader=False))
