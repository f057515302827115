"""A join request's note may be personal: encrypt it at rest, and the notes already written."""

from django.db import migrations

import core.fields
from core import crypto


def _rows(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, request_note FROM groups_membership WHERE request_note <> ''")
        return cursor.fetchall()


def _write(schema_editor, pk, value):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE groups_membership SET request_note = %s WHERE id = %s", [value, pk])


def encrypt_notes(apps, schema_editor):
    for pk, value in _rows(schema_editor):
        if not value.startswith(crypto.TOKEN_PREFIX):
            _write(schema_editor, pk, crypto.encrypt(value))


def decrypt_notes(apps, schema_editor):
    for pk, value in _rows(schema_editor):
        if value.startswith(crypto.TOKEN_PREFIX):
            _write(schema_editor, pk, crypto.decrypt(value, where=f"groups.Membership.request_note (id={pk})"))


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_role_changed_at_and_email_claims"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="request_note",
            field=core.fields.EncryptedTextField(
                blank=True, help_text="The person's note when asking to join.", max_length=500
            ),
        ),
        migrations.RunPython(encrypt_notes, decrypt_notes),
    ]
