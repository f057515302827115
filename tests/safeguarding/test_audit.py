"""The audit trail: append-only in Python and (PostgreSQL) in the database, hash-chained, verifiable."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core import audit
from core.models import AppendOnlyError, AuditEvent


def test_record_chains_each_event_to_the_one_before(cast):
    first = audit.record("tests.thing.happened", actor=cast.leader, subject=cast.group, data={"n": 1})
    second = audit.record("tests.thing.happened", actor=None, data={"n": 2})

    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.actor_label == "system"
    assert first.actor_label == f"user #{cast.leader.pk}"
    assert first.subject_type_label == "groups.supportgroup"
    assert first.subject_id == str(cast.group.pk)


def test_labels_snapshot_no_personal_data(cast):
    membership = cast.group.memberships.get(user=cast.member)
    event = audit.record("tests.membership.changed", actor=cast.member, subject=membership)

    assert cast.member.display_name not in event.actor_label + event.subject_label
    assert cast.member.email not in event.actor_label + event.subject_label


def test_protected_looking_data_is_masked(db):
    event = audit.record(
        "tests.thing.happened",
        actor=None,
        data={"reason": "she told me about her plans", "nested": {"details": "x", "phone_token": "y"}, "kind": "ok"},
    )
    event.refresh_from_db()

    assert event.data == {
        "reason": "[masked]",
        "nested": {"details": "[masked]", "phone_token": "[masked]"},
        "kind": "ok",
    }


def test_ciphertext_values_are_masked_too(db):
    from core import crypto

    event = audit.record("tests.thing.happened", actor=None, data={"value": crypto.encrypt("secret")})

    assert event.data == {"value": "[masked]"}


def test_action_must_be_a_dotted_name(db):
    with pytest.raises(ValueError):
        audit.record("happened", actor=None)


def test_saving_an_existing_event_is_refused(db):
    event = audit.record("tests.thing.happened", actor=None)
    event.action = "tests.thing.rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()


def test_deleting_an_event_is_refused(db):
    event = audit.record("tests.thing.happened", actor=None)

    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tests.thing.rewritten")
    assert AuditEvent.objects.filter(pk=event.pk, action="tests.thing.happened").exists()


def test_deleting_a_user_leaves_their_audit_events_alone(user_factory):
    person = user_factory()
    event = audit.record("tests.thing.happened", actor=person)

    person.delete()

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id is not None
    assert event.actor_label.startswith("user #")


def test_verify_command_passes_on_an_intact_chain(db, capsys):
    for n in range(3):
        audit.record("tests.thing.happened", actor=None, data={"n": n})

    call_command("verify_audit_chain")

    assert "3 event(s) verified" in capsys.readouterr().out


def raw_tamper(sql: str, params: list) -> None:
    """Change audit rows behind Python's back, as a database superuser could (who can bypass the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser only: skips ordinary triggers
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "safeguarding.contact.nothing_to_see"),
        ("actor_label", "user #999"),
        ("subject_label", "someone else"),
        ("data", '{"n": 99}'),
    ],
)
def test_verify_command_names_the_row_whose_content_was_changed(db, column, value):
    events = [audit.record("tests.thing.happened", actor=None, data={"n": n}) for n in range(4)]
    tampered = events[2]
    raw_tamper(f"UPDATE safeguarding_auditevent SET {column} = %s WHERE id = %s", [value, tampered.pk])  # noqa: S608

    with pytest.raises(CommandError, match=f"id={tampered.pk}:"):
        call_command("verify_audit_chain")


def test_verify_command_finds_a_changed_time(db):
    events = [audit.record("tests.thing.happened", actor=None) for _ in range(3)]
    raw_tamper(
        "UPDATE safeguarding_auditevent SET created_at = %s WHERE id = %s",
        [events[0].created_at, events[1].pk],
    )

    with pytest.raises(CommandError, match=f"id={events[1].pk}:"):
        call_command("verify_audit_chain")


def test_verify_command_finds_a_deleted_row_by_naming_the_one_after_it(db):
    events = [audit.record("tests.thing.happened", actor=None) for _ in range(4)]
    raw_tamper("DELETE FROM safeguarding_auditevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError, match=f"id={events[2].pk}:.*previous hash"):
        call_command("verify_audit_chain")


def test_a_rehashed_row_still_breaks_the_link_to_the_next(db):
    """Someone who recomputes one row's hash after editing it is caught by the next row's prev_hash."""
    events = [audit.record("tests.thing.happened", actor=None, data={"n": n}) for n in range(3)]
    edited = AuditEvent.objects.get(pk=events[1].pk)
    edited.action = "tests.thing.rewritten"
    new_hash = audit.compute_hash(edited.prev_hash, audit.event_payload(edited))
    raw_tamper(
        "UPDATE safeguarding_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["tests.thing.rewritten", new_hash, edited.pk],
    )

    with pytest.raises(CommandError, match=f"id={events[2].pk}:"):
        call_command("verify_audit_chain")


@pytest.mark.integration
def test_postgres_trigger_refuses_update_and_delete(db):
    need_postgres()
    event = audit.record("tests.thing.happened", actor=None)

    for sql in (
        "UPDATE safeguarding_auditevent SET action = 'x.y' WHERE id = %s",
        "DELETE FROM safeguarding_auditevent WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk, action="tests.thing.happened").exists()


def need_postgres():
    from tests.fixtures.gates import need_service

    need_service(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Eight threads (eight database connections) appending at once still make one chain."""
    need_postgres()
    errors = []

    def write(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record("tests.thing.happened", actor=None, data={"writer": n, "i": i})
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = audit.verify_chain()
    assert report.ok, report
    assert report.checked == 80
