"""A Celery worker is killed in the middle of sending an email (integration run).

The worker sends through a fake SMTP server (tests/faults/conftest.py) that keeps it waiting, so the
kill lands mid-task: the email's claim was made but the email not sent. Because the claim and the send
share one transaction (safeguarding/tasks.py), the claim dies with the worker; because of acks_late and
task_reject_on_worker_lost (settings), the task runs again; and the email arrives exactly once.
(Exactly once up to one gap no email system closes: a worker killed after the mail server accepted the
message but before the claim committed would send it again.)
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import Membership
from safeguarding import removals
from safeguarding.models import Removal
from tests.faults.conftest import children_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def remove_member(cast) -> Removal:
    """A temporary removal: its task emails the member a kind explanation (one email)."""
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    return removals.remove_member(
        membership,
        actor=cast.leader,
        kind=Removal.Kind.TEMPORARY,
        reasons=[Removal.Reason.TALKING_OVER],
        until=timezone.now() + timedelta(days=7),
    )


def wait_for(condition, *, timeout: float, what: str, log=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s. Worker log:\n{log()}")
        time.sleep(0.1)


def test_a_worker_child_killed_mid_task_sends_the_email_exactly_once(fake_smtp, worker_sending_through, cast):
    worker = worker_sending_through(fake_smtp)
    fake_smtp.hold()
    removal = remove_member(cast)
    assert fake_smtp.held.wait(30), worker.log()  # the task is half-way: claimed, connected, not yet sent

    (child,) = children_of(worker.process.pid)
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: child not in children_of(worker.process.pid), timeout=10, what="the child's death")
    removal.refresh_from_db()
    assert removal.member_notified_at is None  # the claim died with the child: nothing pretends it was sent
    fake_smtp.release()

    wait_for(lambda: len(fake_smtp.delivered) == 1, timeout=60, what="the email on the retry", log=worker.log)
    time.sleep(3)  # anything still to come would arrive now
    assert len(fake_smtp.delivered) == 1
    assert cast.member.email in fake_smtp.delivered[0]
    removal.refresh_from_db()
    assert removal.member_notified_at is not None
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()


def restore_unacknowledged(*, older_than: float) -> None:
    """What every worker's broker connection does every ~100 s: give back tasks taken by a worker that died
    without acknowledging them, once they are older than the visibility timeout (an hour in settings)."""
    from peersupport.celery import app

    with app.connection_for_write(transport_options={"visibility_timeout": older_than}) as connection:
        connection.default_channel.qos.restore_visible(num=100)


def test_a_whole_worker_killed_mid_task_hands_the_task_to_the_next_worker(fake_smtp, worker_sending_through, cast):
    """The container dies: every worker process at once, with the task taken but not acknowledged."""
    first = worker_sending_through(fake_smtp)
    fake_smtp.hold()
    removal = remove_member(cast)
    assert fake_smtp.held.wait(30), first.log()

    for pid in [*children_of(first.process.pid), first.process.pid]:
        os.kill(pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    fake_smtp.release()
    removal.refresh_from_db()
    assert removal.member_notified_at is None

    second = worker_sending_through(fake_smtp)
    time.sleep(2)
    restore_unacknowledged(older_than=1)
    wait_for(lambda: len(fake_smtp.delivered) == 1, timeout=60, what="the email from the next worker", log=second.log)
    time.sleep(3)
    assert len(fake_smtp.delivered) == 1
    removal.refresh_from_db()
    assert removal.member_notified_at is not None
