"""The broker is down when a request queues a task: the request still succeeds and the work is kept.

core/outbox.py keeps the task's name and primary keys in TaskOutbox; the beat task
`peersupport.flush_task_outbox` queues it again when the broker is back. These tests publish through
the real kombu Redis transport to a port nobody listens on (connection refused). The same drill with a
real redis-server stopped and a real worker is in test_broker_outage_worker.py (integration run).
"""

import pytest
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError

from core import outbox
from core.models import TaskOutbox
from safeguarding.models import Concern
from safeguarding.tasks import email_concern_raised

CONCERN = "I am worried about what was said at the end of the session tonight."


def raise_concern(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("safeguarding:raise_concern", args=[cast.group.slug]),
            {"about": "self", "category": "risk_to_self", "risk_level": "medium", "details": CONCERN},
        )


def test_positive_control_the_broker_really_is_down(broker_down, db):
    with pytest.raises(OperationalError):
        email_concern_raised.delay(1)


def test_raising_a_concern_succeeds_while_the_broker_is_down(
    client, cast, broker_down, django_capture_on_commit_callbacks
):
    response = raise_concern(client, cast, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:my_concerns") + "?sent=1"
    concern = Concern.objects.get()
    kept = TaskOutbox.objects.get()
    assert (kept.task_name, kept.args, kept.kwargs) == ("safeguarding.tasks.email_concern_raised", [concern.pk], {})
    assert kept.error == "OperationalError"
    assert mail.outbox == []


def test_the_outbox_holds_primary_keys_and_never_the_concern(
    client, cast, broker_down, django_capture_on_commit_callbacks
):
    raise_concern(client, cast, django_capture_on_commit_callbacks)
    row = TaskOutbox.objects.values("task_name", "args", "kwargs", "error").get()
    assert CONCERN not in str(row)
    assert "worried" not in str(row)


def test_when_the_broker_is_back_the_kept_work_is_done_once(
    client, cast, broker_down, django_capture_on_commit_callbacks, settings
):
    raise_concern(client, cast, django_capture_on_commit_callbacks)
    assert outbox.flush() == 0  # still down: the row stays
    assert TaskOutbox.objects.count() == 1

    broker_down.conf.task_always_eager = True  # the broker is back and a worker runs what it is given
    assert outbox.flush() == 1
    assert TaskOutbox.objects.count() == 0
    leaders = {cast.leader.email, cast.co_leader.email}
    assert {m.to[0] for m in mail.outbox} == leaders
    assert outbox.flush() == 0
    assert len(mail.outbox) == len(leaders)


def test_a_task_queued_by_a_task_is_kept_too(broker_down, cast, session_factory, django_capture_on_commit_callbacks):
    """The reminder dispatcher (beat) queues one task per session: with the broker gone, they wait."""
    from datetime import timedelta

    from sessions.tasks import dispatch_due_reminders

    session = session_factory(cast.group, starts_in=timedelta(minutes=50))
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_reminders()  # run here, as a worker would
    assert list(TaskOutbox.objects.values_list("task_name", "args")) == [
        ("sessions.send_session_reminders", [session.pk, "reminder_1h"])
    ]


def test_eager_tasks_errors_are_not_mistaken_for_a_broker_outage(cast, broker_down, monkeypatch):
    """With eager Celery (the embedded default) a failing task fails loudly; nothing goes to the outbox."""
    broker_down.conf.task_always_eager = True

    def broken(*args, **kwargs):
        raise ConnectionError("smtp refused")

    monkeypatch.setattr("safeguarding.tasks._send", broken)
    concern = Concern.objects.create(
        group=cast.group, raised_by=cast.member, category="other", risk_level="low", details="x"
    )
    with pytest.raises(ConnectionError):
        outbox.queue_or_keep(email_concern_raised, (concern.pk,), {})
    assert not TaskOutbox.objects.exists()
