"""Revealing contact details: who may, only with a reason, always audited and visible to the member."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.models import AuditEvent
from safeguarding import services
from safeguarding.models import ContactAccess
from tests.safeguarding.conftest import ADDRESS, EMERGENCY_NAME, PHONE

REASON = "They said they felt unsafe and then left the session without a word."


@pytest.fixture
def contact(cast, contact_for):
    return contact_for(cast.member)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reveal_without_a_reason_is_refused_and_leaves_no_trace(cast, contact, reason):
    with pytest.raises(ValidationError):
        services.reveal_contact_details(contact, actor=cast.trustee, reason=reason)

    assert not ContactAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="safeguarding.contact.viewed").exists()


def test_a_trustee_reveal_with_a_reason_is_audited_and_logged_for_the_member(cast, contact):
    services.reveal_contact_details(contact, actor=cast.trustee, reason=REASON)

    access = ContactAccess.objects.get()
    assert (access.member, access.viewed_by, access.role, access.reason) == (
        cast.member,
        cast.trustee,
        ContactAccess.Role.TRUSTEE,
        REASON,
    )
    event = AuditEvent.objects.get(action="safeguarding.contact.viewed")
    assert event.actor_id == cast.trustee.pk
    assert event.data["access_id"] == access.pk
    assert REASON not in str(event.data)


def test_a_leader_of_the_members_group_may_make_an_urgent_welfare_reveal(cast, contact, mailoutbox):
    services.reveal_contact_details(contact, actor=cast.leader, reason=REASON, urgent_welfare=True)

    access = ContactAccess.objects.get()
    assert access.role == ContactAccess.Role.LEADER and access.urgent_welfare and access.group == cast.group


def test_an_urgent_welfare_reveal_emails_every_trustee_at_once_without_the_details(
    cast, contact, mailoutbox, trustee_factory, django_capture_on_commit_callbacks
):
    second_trustee = trustee_factory()

    with django_capture_on_commit_callbacks(execute=True):
        services.reveal_contact_details(contact, actor=cast.leader, reason=REASON, urgent_welfare=True)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.trustee.email, second_trustee.email])
    for message in mailoutbox:
        for secret in (PHONE, EMERGENCY_NAME, ADDRESS, REASON, cast.member.display_name):
            assert secret not in message.body + message.subject
        assert "Leader Lee" in message.body


def test_the_urgent_email_goes_once_even_if_the_task_runs_again(
    cast, contact, mailoutbox, django_capture_on_commit_callbacks
):
    from safeguarding import tasks

    with django_capture_on_commit_callbacks(execute=True):
        services.reveal_contact_details(contact, actor=cast.leader, reason=REASON, urgent_welfare=True)
    assert len(mailoutbox) == 1
    tasks.email_trustees_about_urgent_reveal(ContactAccess.objects.get().pk)

    assert len(mailoutbox) == 1


def test_a_leader_cannot_reveal_without_saying_it_is_urgent(cast, contact):
    with pytest.raises(PermissionDenied):
        services.reveal_contact_details(contact, actor=cast.leader, reason=REASON)
    assert not ContactAccess.objects.exists()


@pytest.mark.parametrize("who", ["other_leader", "member", "outsider", "pending"])
def test_people_without_the_right_cannot_reveal(cast, contact_for, who):
    contact = contact_for(cast.co_leader)
    with pytest.raises(PermissionDenied):
        services.reveal_contact_details(contact, actor=getattr(cast, who), reason=REASON, urgent_welfare=True)


def test_a_staff_user_who_is_not_a_trustee_cannot_reveal(cast, contact, user_factory):
    staff = user_factory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.reveal_contact_details(contact, actor=staff, reason=REASON, urgent_welfare=True)


@pytest.mark.parametrize("who", ["other_leader", "member", "outsider"])
def test_lookup_is_404_for_anyone_with_no_business(cast, contact, who):
    with pytest.raises(Http404):
        services.get_contact_for_reveal(getattr(cast, who), cast.member)


def test_lookup_returns_none_when_the_member_shared_nothing(cast):
    assert services.get_contact_for_reveal(cast.trustee, cast.co_leader) is None


def test_a_leader_may_still_look_after_someone_removed_from_their_group(cast, contact_for):
    contact = contact_for(cast.removed)

    assert services.get_contact_for_reveal(cast.leader, cast.removed) == contact


def test_no_email_for_a_trustee_reveal(cast, contact, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reveal_contact_details(contact, actor=cast.trustee, reason=REASON)
    assert mail.outbox == []
