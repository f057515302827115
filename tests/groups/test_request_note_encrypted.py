"""A join request's note may be personal ("I've just come out of hospital"): it is encrypted at rest, and the
migration encrypted the notes written before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import crypto
from groups.models import Membership

NOTE = "I have just come out of hospital and would like to listen at first."
BEFORE = [("groups", "0004_role_changed_at_and_email_claims")]


def raw_note(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT request_note FROM groups_membership WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_note_is_stored_encrypted_and_read_back(cast):
    membership = Membership.objects.get(user=cast.pending, group=cast.group)
    membership.request_note = NOTE
    membership.save(update_fields=["request_note"])

    assert NOTE not in raw_note(membership.pk)
    assert raw_note(membership.pk).startswith(crypto.TOKEN_PREFIX)
    assert Membership.objects.get(pk=membership.pk).request_note == NOTE


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_notes_written_in_plain_text(cast):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back unapplies the apps that depend on groups too
    executor.migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE groups_membership SET request_note = %s WHERE user_id = %s", [NOTE, cast.pending.pk])
            cursor.execute("UPDATE groups_membership SET request_note = '' WHERE user_id = %s", [cast.member.pk])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    asking = Membership.objects.get(user=cast.pending, group=cast.group)
    assert raw_note(asking.pk).startswith(crypto.TOKEN_PREFIX) and NOTE not in raw_note(asking.pk)
    assert asking.request_note == NOTE
    assert raw_note(Membership.objects.get(user=cast.member, group=cast.group).pk) == ""
