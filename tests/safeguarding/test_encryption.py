"""Protected fields: the database column never holds plaintext, and unreadable values fail loudly."""

import pytest
from django.db import connection

from core import crypto
from safeguarding.management.commands.rotate_encryption_keys import encrypted_fields
from safeguarding.models import ContactDetails
from tests.safeguarding.conftest import SECRET


def raw_value(model, field, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(field.column)} FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def test_every_encrypted_column_holds_ciphertext_only(one_of_everything):
    covered = set(one_of_everything)
    every_field = {(model._meta.label, field.name) for model, field in encrypted_fields()}
    # A new protected field must be added to the fixture above, so this test keeps covering all of them.
    assert covered == every_field

    for model, field in encrypted_fields():
        raw = raw_value(model, field, one_of_everything[(model._meta.label, field.name)])
        assert SECRET not in raw, f"{model._meta.label}.{field.name} holds plaintext"
        assert raw.startswith(crypto.TOKEN_PREFIX)
        obj = model._base_manager.get(pk=one_of_everything[(model._meta.label, field.name)])
        assert getattr(obj, field.attname) == f"{SECRET} {field.name}"


def test_the_same_text_encrypts_differently_each_time(db):
    assert crypto.encrypt(SECRET) != crypto.encrypt(SECRET)


def test_an_undecryptable_value_names_the_model_field_and_row(cast, contact_for, settings):
    contact = contact_for(cast.member)
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the data's key is gone
    reloaded = ContactDetails.objects.get(pk=contact.pk)

    with pytest.raises(crypto.DecryptionError, match=rf"safeguarding.ContactDetails.phone \(id={contact.pk}\)"):
        reloaded.phone  # noqa: B018 - reading is the point


def test_a_corrupted_token_is_an_error_never_garbage(cast, contact_for):
    contact = contact_for(cast.member)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safeguarding_contactdetails SET phone = %s WHERE id = %s", ["gAAAAnot-a-token", contact.pk]
        )

    with pytest.raises(crypto.DecryptionError):
        ContactDetails.objects.get(pk=contact.pk).phone  # noqa: B018


def test_empty_values_stay_empty(cast, contact_for):
    contact = contact_for(cast.member, address="")

    assert raw_value(ContactDetails, ContactDetails._meta.get_field("address"), contact.pk) == ""
    assert ContactDetails.objects.get(pk=contact.pk).address == ""
