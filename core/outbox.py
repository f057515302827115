"""Queueing Celery tasks so that a broker outage neither breaks the web request nor loses the work.

Every task of the project is an OutboxTask (peersupport/celery.py sets it as the task class). Its
`delay_on_commit` queues the task after the transaction commits, as Celery's own does; if the broker
cannot be reached, the task's name and arguments (primary keys only: never protected text) go to the
TaskOutbox table instead, and the request carries on. `flush_task_outbox` (beat, every minute)
queues them again once the broker is back. Tasks are idempotent, so queueing one twice is harmless.
"""

import functools
import logging

from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What kombu raises when the broker is down (it wraps the transport's own errors), and the bare
# socket errors some transports let through.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError)


class OutboxTask(DjangoTask):
    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(queue_or_keep, self, args, kwargs))

    def apply_async_on_commit(self, args=None, kwargs=None) -> None:
        transaction.on_commit(functools.partial(queue_or_keep, self, tuple(args or ()), dict(kwargs or {})))


def queue_or_keep(task, args: tuple, kwargs: dict) -> None:
    """Queue the task now; if the broker is unreachable, keep it in the outbox for later."""
    if task.app.conf.task_always_eager:
        task.apply_async(args, kwargs)  # runs here and now; its own errors are not broker errors
        return
    try:
        task.apply_async(args, kwargs)
    except BROKER_ERRORS as exc:
        from core.models import TaskOutbox

        TaskOutbox.objects.create(task_name=task.name, args=list(args), kwargs=dict(kwargs), error=type(exc).__name__)
        logger.warning("celery: broker unreachable (%s); %s kept in the outbox", type(exc).__name__, task.name)


def flush(*, limit: int = 500) -> int:
    """Queue the kept tasks again, oldest first; each row goes once it is queued. Returns how many went."""
    from celery import current_app as app  # the project's app (peersupport/celery.py), without importing upward

    from core.models import TaskOutbox

    queued = 0
    for pk in TaskOutbox.objects.order_by("pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            # Another flush may hold this row: skip it rather than queue it twice.
            row = TaskOutbox.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            task = app.tasks.get(row.task_name)
            if task is None:
                logger.error("celery: outbox holds an unknown task %s (row %s); left in place", row.task_name, pk)
                continue
            try:
                task.apply_async(row.args, row.kwargs)
            except BROKER_ERRORS as exc:
                logger.warning("celery: broker still unreachable (%s); the outbox waits", type(exc).__name__)
                break
            row.delete()
            queued += 1
    return queued
