"""Key rotation: add a key, re-encrypt everything with it, then retire the old key."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from core import crypto
from core.models import AuditEvent
from safeguarding.models import Concern, ContactDetails
from tests.safeguarding.conftest import CONCERN_TEXT, PHONE

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def raw_phone(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM safeguarding_contactdetails WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def mfa_secrets_under(settings, keys: list[str]) -> None:
    """Write every two-step secret again under `keys` (the cast's were written under the default key)."""
    from allauth.mfa.models import Authenticator

    from members.mfa import map_secrets

    plain = {a.pk: map_secrets(a.data, crypto.decrypt) for a in Authenticator.objects.all()}
    settings.FIELD_ENCRYPTION_KEYS = keys
    for pk, data in plain.items():
        Authenticator.objects.filter(pk=pk).update(data=map_secrets(data, crypto.encrypt))


@pytest.fixture
def written_under_key_a(settings, cast, user_factory, contact_for, concern_factory):
    mfa_secrets_under(settings, [KEY_A])
    contacts = [contact_for(cast.member), contact_for(cast.co_leader), contact_for(user_factory())]
    concern = concern_factory()
    return contacts, concern


def run_rotation(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("rotate_encryption_keys", *args, stdout=out)
    return out.getvalue()


def test_data_written_under_key_a_is_readable_after_adding_key_b(settings, written_under_key_a):
    contacts, _ = written_under_key_a
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    assert ContactDetails.objects.get(pk=contacts[0].pk).phone == PHONE
    # New writes use the newest key.
    contact = ContactDetails.objects.get(pk=contacts[0].pk)
    contact.phone = "0111 222 333"
    contact.save(update_fields=["phone"])
    assert Fernet(KEY_B.encode()).decrypt(raw_phone(contact.pk).encode()) == b"0111 222 333"


def test_rotation_re_encrypts_everything_so_key_a_can_be_removed(settings, written_under_key_a):
    contacts, concern = written_under_key_a
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    output = run_rotation("--batch-size", "2")

    assert "safeguarding.ContactDetails.phone: 3 re-encrypted" in output
    for contact in contacts:
        assert Fernet(KEY_B.encode()).decrypt(raw_phone(contact.pk).encode()) == PHONE.encode()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # key A retired
    assert {c.phone for c in ContactDetails.objects.all()} == {PHONE}
    assert Concern.objects.get(pk=concern.pk).details == CONCERN_TEXT


def test_rotation_is_resumable_and_skips_values_already_on_the_newest_key(settings, written_under_key_a):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    run_rotation()

    second = run_rotation()

    assert "safeguarding.ContactDetails.phone: 0 re-encrypted, 3 already on the newest key" in second
    assert "Done: 0 value(s) re-encrypted" in second


def test_dry_run_counts_without_writing(settings, written_under_key_a):
    contacts, _ = written_under_key_a
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    before = raw_phone(contacts[0].pk)

    output = run_rotation("--dry-run")

    assert "safeguarding.ContactDetails.phone: 3 re-encrypted" in output
    assert raw_phone(contacts[0].pk) == before
    assert not AuditEvent.objects.filter(action="safeguarding.keys.rotated").exists()


def test_rotation_is_an_audit_event_with_counts_and_no_keys(settings, written_under_key_a):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    run_rotation()

    event = AuditEvent.objects.get(action="safeguarding.keys.rotated")
    assert event.data["fields"]["safeguarding.ContactDetails.phone"]["rotated"] == 3
    assert event.data["key_count"] == 2
    assert KEY_A not in str(event.data) and KEY_B not in str(event.data)


def test_a_value_no_key_opens_stops_rotation_naming_model_and_row(settings, written_under_key_a):
    contacts, _ = written_under_key_a
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # key A removed too early

    with pytest.raises(CommandError, match=rf"safeguarding.ContactDetails.phone \(id={contacts[0].pk}\)"):
        run_rotation()


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        run_rotation("--batch-size", "0")


def test_newest_key_check_tells_keys_apart(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    token = crypto.encrypt("x")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    assert not crypto.is_encrypted_with_newest_key(token)
    assert crypto.is_encrypted_with_newest_key(crypto.rotate(token))


def test_rotation_covers_every_protected_field_in_the_project(settings, one_of_everything):
    """Rows written under key A in every encrypted column (all apps) are all readable with key B alone after."""
    from django.apps import apps

    from safeguarding.management.commands.rotate_encryption_keys import encrypted_fields

    plaintexts = {}
    for model, field in encrypted_fields():  # read everything with the key it was written under...
        pk = one_of_everything[(model._meta.label, field.name)]
        plaintexts[(model, field, pk)] = getattr(model._base_manager.get(pk=pk), field.attname)
    mfa_secrets_under(settings, [KEY_A])
    for (model, field, pk), value in plaintexts.items():  # ...and write it again under key A
        model._base_manager.filter(pk=pk).update(**{field.attname: value})
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    run_rotation()

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    for (label, name), pk in one_of_everything.items():
        assert getattr(apps.get_model(label)._base_manager.get(pk=pk), name).endswith(name)
