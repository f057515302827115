"""The broker (a private Redis) is down when a member raises a concern; a real worker does the work later.

The request succeeds and the task waits in the outbox (core/outbox.py). When Redis is back,
the beat task `peersupport.flush_task_outbox` queues it again and the worker sends the leaders' emails,
once. (Without real services: tests/faults/test_broker_down.py.)
"""

import time

import pytest
from django.urls import reverse

from core.models import TaskOutbox
from peersupport.tasks import flush_task_outbox

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_on(private_redis):
    """This process's Celery app publishes to the private Redis (not eagerly)."""
    from peersupport.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = private_redis.url, False
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


def test_a_concern_raised_while_the_broker_is_down_reaches_the_leaders_once_it_is_back(
    private_redis, celery_on, fake_smtp, worker_sending_through, client, cast
):
    worker = worker_sending_through(fake_smtp, REDIS_URL=private_redis.url)
    private_redis.stop()

    client.force_login(cast.member)
    response = client.post(
        reverse("safeguarding:raise_concern", args=[cast.group.slug]),
        {"about": "self", "category": "risk_to_self", "risk_level": "high", "details": "Please could someone call."},
    )
    assert response.status_code == 302
    assert TaskOutbox.objects.count() == 1
    assert fake_smtp.delivered == []

    private_redis.start()
    celery_on._pool = None  # the old pooled connections died with the server
    celery_on.amqp._producer_pool = None
    flush_task_outbox.delay()  # what beat does every minute

    deadline = time.monotonic() + 60
    while len(fake_smtp.delivered) < 2:
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    assert TaskOutbox.objects.count() == 0
    flush_task_outbox.delay()
    time.sleep(3)
    recipients = sorted(next(line for line in m.splitlines() if line.startswith("To:")) for m in fake_smtp.delivered)
    assert recipients == sorted(f"To: {person.email}" for person in (cast.leader, cast.co_leader))
    assert "Please could someone call" not in "".join(fake_smtp.delivered)  # emails say a concern exists, not what
