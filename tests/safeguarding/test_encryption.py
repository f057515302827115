"""Protected fields: the database column never holds plaintext, and unreadable values fail loudly."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from groups.models import Membership
from safeguarding import crypto, services
from safeguarding.management.commands.rotate_encryption_keys import encrypted_fields
from safeguarding.models import ContactDetails, Removal

SECRET = "plaintext-that-must-never-reach-the-disk"


def raw_value(model, field, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(field.column)} FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def one_of_everything(cast, session_factory):
    """A row for every encrypted field in the project, each holding SECRET (plus its field name)."""
    from sessions.models import CameraOffNotice

    rows = {}

    def value(label):
        return f"{SECRET} {label}"

    contact = services.save_contact_details(
        user=cast.member,
        consent=True,
        phone=value("phone"),
        emergency_contact_name=value("emergency_contact_name"),
        emergency_contact_phone=value("emergency_contact_phone"),
        address=value("address"),
        notes=value("notes"),
    )
    for name in ("phone", "emergency_contact_name", "emergency_contact_phone", "address", "notes"):
        rows[("safeguarding.ContactDetails", name)] = contact.pk
    services.reveal_contact_details(contact, actor=cast.trustee, reason=value("reason"))
    rows[("safeguarding.ContactAccess", "reason")] = cast.member.contact_accesses.get().pk
    concern = services.raise_concern(
        raised_by=cast.member, group=cast.group, category="other", risk_level="low", details=value("details")
    )
    rows[("safeguarding.Concern", "details")] = concern.pk
    note = services.add_case_note(concern, actor=cast.trustee, text=value("text"))
    rows[("safeguarding.CaseNote", "text")] = note.pk
    membership = Membership.objects.get(group=cast.group, user=cast.member)
    removal = services.remove_member(
        membership,
        actor=cast.leader,
        kind=Removal.Kind.TEMPORARY,
        reasons=["other"],
        until=timezone.now() + timedelta(days=1),
        note=value("note"),
    )
    services.reinstate_member(removal, actor=cast.leader, note=value("lift_note"))
    rows[("safeguarding.Removal", "note")] = removal.pk
    rows[("safeguarding.Removal", "lift_note")] = removal.pk
    session = session_factory(cast.group, meeting_link=value("meeting_link"))
    rows[("group_sessions.GroupSession", "meeting_link")] = session.pk
    notice = CameraOffNotice.objects.create(group=cast.group, user=cast.member, session=session, reason=value("reason"))
    rows[("group_sessions.CameraOffNotice", "reason")] = notice.pk
    return rows


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
