"""Erasing my account: no personal data is left anywhere; kept safeguarding records are pseudonymised."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from core.audit import verify_chain
from core.models import AuditEvent
from groups.models import Membership
from members.models import User
from peersupport import gdpr
from safeguarding import removals, services
from safeguarding.management.commands.rotate_encryption_keys import encrypted_fields
from safeguarding.models import Concern, Removal
from tests.fixtures.factories import TEST_PASSWORD

URL = reverse("members:erase_my_account")
NAME = "Zephyrine Quill"
EMAIL = "zephyrine.quill@example.org"
PRONOUNS = "xe/xem"
PHONE = "07700 900999"
CAMERA = "camera-reason-zephyrine"
NOTE = "request-note-zephyrine"


@pytest.fixture
def person(cast, user_factory, membership_factory, session_factory):
    """Someone with personal data everywhere: profile, groups, contact details, attendance, camera-off…"""
    from sessions.models import Attendance, CameraOffNotice

    user = user_factory(EMAIL, display_name=NAME, pronouns=PRONOUNS)
    membership = membership_factory(cast.group, user)
    Membership.objects.filter(pk=membership.pk).update(request_note=NOTE)
    other = membership_factory(cast.other_group, user)
    contact = services.save_contact_details(user=user, consent=True, phone=PHONE, emergency_contact_name="Kin")
    services.reveal_contact_details(contact, actor=cast.trustee, reason="Checking in")
    session = session_factory(cast.group, starts_in=timedelta(days=-1))
    Attendance.objects.create(session=session, user=user)
    CameraOffNotice.objects.create(group=cast.group, user=user, session=session, reason=CAMERA)
    concern = services.raise_concern(
        raised_by=user, group=cast.group, category="complaint", risk_level="low", details="A complaint about a member"
    )
    removal = removals.remove_member(other, actor=cast.trustee, kind="permanent", reasons=["other"])
    return {"user": user, "concern": concern, "removal": removal}


def every_stored_text() -> str:
    """Every value in every table, as raw text, plus every encrypted value decrypted."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names only
            chunks.extend(str(row) for row in cursor.fetchall())
    for model, field in encrypted_fields():
        chunks.extend(str(getattr(obj, field.attname)) for obj in model._base_manager.all())
    return "\n".join(chunks)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_page_asks_for_the_password_and_a_tick(cast, auth_client):
    response = auth_client(cast.member).get(URL)

    assert response.status_code == 200 and b"Your password" in response.content


def test_a_wrong_password_erases_nothing(auth_client, person):
    response = auth_client(person["user"]).post(URL, {"password": "not-my-password", "understood": "on"})

    assert response.status_code == 200
    assert b"That password doesn" in response.content
    assert User.objects.get(pk=person["user"].pk).email == EMAIL


def test_without_the_tick_nothing_is_erased(auth_client, person):
    auth_client(person["user"]).post(URL, {"password": TEST_PASSWORD})

    assert User.objects.get(pk=person["user"].pk).email == EMAIL


def test_before_erasure_the_search_finds_the_personal_data(person):
    """The search below must be able to fail: it finds every piece of data while the account exists."""
    stored = every_stored_text()
    for value in (NAME, EMAIL, PRONOUNS, PHONE, CAMERA, NOTE):
        assert value in stored, value


def test_erasure_leaves_no_personal_data_anywhere(client, person):
    client.force_login(person["user"])

    response = client.post(URL, {"password": TEST_PASSWORD, "understood": "on"})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    stored = every_stored_text()
    for value in (NAME, EMAIL, PRONOUNS, PHONE, CAMERA, NOTE):
        assert value not in stored, value


def test_erasure_signs_the_person_out_and_they_cannot_sign_in_again(client, person):
    client.force_login(person["user"])
    client.post(URL, {"password": TEST_PASSWORD, "understood": "on"})

    assert client.get(reverse("members:profile")).status_code == 302
    assert not client.login(email=EMAIL, password=TEST_PASSWORD)


def test_kept_safeguarding_records_are_pseudonymised_not_deleted(cast, person):
    user = person["user"]

    gdpr.erase_account(user, actor=user)

    concern = Concern.objects.get(pk=person["concern"].pk)
    removal = Removal.objects.get(pk=person["removal"].pk)
    assert concern.raised_by_id == user.pk and concern.raised_by.display_name == gdpr.ERASED_NAME
    assert removal.membership.user_id == user.pk
    assert removal.membership.status == Membership.Status.LEFT
    tombstone = User.objects.get(pk=user.pk)
    assert not tombstone.is_active and not tombstone.has_usable_password()
    assert tombstone.email.endswith("@erased.invalid")


def test_the_personal_records_are_gone(cast, person):
    user = person["user"]

    gdpr.erase_account(user, actor=user)

    assert not Membership.objects.filter(user=user, group=cast.group).exists()
    for label in ("group_sessions.Attendance", "group_sessions.CameraOffNotice", "safeguarding.ContactDetails"):
        assert not apps.get_model(label).objects.filter(user=user).exists(), label
    assert not user.contact_accesses.exists()
    assert not user.agreements.exists()


def test_erasure_is_audited_and_the_chain_stays_intact(person):
    user = person["user"]

    gdpr.erase_account(user, actor=user)

    event = AuditEvent.objects.get(action="members.account.erased")
    assert event.actor_id == user.pk and event.data == {"user_id": user.pk}
    assert verify_chain().ok


def test_staff_accounts_are_closed_by_the_charity_not_here(cast, auth_client):
    response = auth_client(cast.trustee).post(URL, {"password": TEST_PASSWORD, "understood": "on"})

    assert response.status_code == 200
    assert b"Please ask another trustee" in response.content
    assert User.objects.get(pk=cast.trustee.pk).is_active


def test_rows_tied_to_the_account_without_a_reverse_name_go_too(cast, person):
    """A foreign key declared with related_name="+" is hidden from `_meta.related_objects`: join tickets, sent-email
    claims, read marks and private words must still go with the account (they say who came, read or was taken aside)."""
    from care.models import Conversation, ReadMark
    from sessions.models import GroupSession, JoinToken, SessionEmailSent
    from sessions.room.models import PrivateWord

    user = person["user"]
    session = GroupSession.objects.filter(group=cast.group).first()
    JoinToken.objects.create(session=session, user=user, token_hash="f" * 64, expires_at=session.ends_at)
    SessionEmailSent.objects.create(session=session, user=user, kind=SessionEmailSent.Kind.REMINDER_24H)
    others = Conversation.objects.create(group=cast.group, member=cast.member)  # not theirs: it stays
    ReadMark.objects.create(conversation=others, user=user)
    PrivateWord.objects.create(session=session, leader=cast.leader, member=user)

    gdpr.erase_account(user, actor=user)

    tied = [
        (field.model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User and field.remote_field.on_delete.__name__ == "CASCADE"
    ]
    left = {
        f"{model._meta.label}.{name}" for model, name in tied if model._base_manager.filter(**{name: user}).exists()
    }
    assert left <= {"groups.Membership.user"}  # the membership a removal names stays, emptied (another test)
