"""A trustee cannot take over an account or appoint themselves through the admin; a superuser's changes to
someone's sign-in are audited and the person is told."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from core.models import AuditEvent
from groups.models import Membership
from members.models import User
from tests.fixtures.factories import TEST_PASSWORD, enable_mfa

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def superuser(user_factory):
    user = user_factory(display_name="Super Sam", is_staff=True, is_superuser=True)
    enable_mfa(user)
    return user


def change_form_data(user, **changes) -> dict:
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "pronouns": user.pronouns,
        "time_zone": user.time_zone,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    if user.email_reminders:
        data["email_reminders"] = "on"
    return {**data, **changes}


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


@pytest.mark.parametrize("target", ["member", "leader", "trustee_colleague", "self"])
def test_a_trustee_cannot_set_anyones_password_in_the_admin(cast, auth_client, trustee_factory, target):
    person = {"member": cast.member, "leader": cast.leader, "self": cast.trustee}.get(target) or trustee_factory()
    client = auth_client(cast.trustee)

    assert client.get(password_url(person)).status_code == 403
    response = client.post(password_url(person), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD) and not person.check_password(NEW_PASSWORD)
    change_form = client.get(reverse("admin:members_user_change", args=[person.pk])).content.decode()
    assert password_url(person) not in change_form  # not even offered


@pytest.mark.parametrize("target", ["member", "leader"])
def test_a_trustee_cannot_change_anyones_sign_in_email(cast, auth_client, target, mailoutbox):
    person = getattr(cast, target)
    before = person.email
    client = auth_client(cast.trustee)

    html = client.get(reverse("admin:members_user_change", args=[person.pk])).content.decode()
    assert 'name="email"' not in html
    client.post(
        reverse("admin:members_user_change", args=[person.pk]), change_form_data(person, email="thief@example.net")
    )

    person.refresh_from_db()
    assert person.email == before
    assert not User.objects.filter(email="thief@example.net").exists()


def test_positive_control_a_trustee_can_still_correct_a_display_name(cast, auth_client):
    response = auth_client(cast.trustee).post(
        reverse("admin:members_user_change", args=[cast.member.pk]),
        change_form_data(cast.member, display_name="Member Morgan"),
    )
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.display_name == "Member Morgan"


def test_a_trustee_cannot_delete_an_account_in_the_admin(cast, auth_client):
    """Deleting an account would skip the erasure workflow, which keeps safeguarding records pseudonymised."""
    client = auth_client(cast.trustee)
    assert client.get(reverse("admin:members_user_delete", args=[cast.member.pk])).status_code == 403
    assert client.post(reverse("admin:members_user_delete", args=[cast.member.pk]), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=cast.member.pk).exists()


def test_a_superuser_sets_a_password_which_is_audited_and_the_person_is_emailed(
    cast, auth_client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(superuser).post(
            password_url(cast.leader), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

    assert response.status_code == 302
    cast.leader.refresh_from_db()
    assert cast.leader.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="members.user.password_set")
    assert (event.actor_id, event.subject_id) == (superuser.pk, str(cast.leader.pk))
    assert NEW_PASSWORD not in str(event.data)
    [mail] = mailoutbox
    assert mail.to == [cast.leader.email]
    assert "password" in mail.subject.lower() and NEW_PASSWORD not in mail.body


def test_a_superuser_changes_an_email_which_is_audited_and_both_addresses_are_told(
    cast, auth_client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    old = cast.member.email
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(superuser).post(
            reverse("admin:members_user_change", args=[cast.member.pk]),
            change_form_data(cast.member, email="new.address@example.org"),
        )

    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.email == "new.address@example.org"
    assert cast.member.emailaddress_set.get(primary=True).email == "new.address@example.org"
    event = AuditEvent.objects.get(action="members.user.email_changed")
    assert (event.actor_id, event.subject_id) == (superuser.pk, str(cast.member.pk))
    assert sorted(m.to[0] for m in mailoutbox) == sorted([old, "new.address@example.org"])


# --- nobody appoints themselves --------------------------------------------------------------


def test_a_trustee_cannot_add_themselves_as_a_leader_of_a_group(cast, auth_client):
    response = auth_client(cast.trustee).post(
        reverse("admin:groups_membership_add"), {"group": cast.group.pk, "user": cast.trustee.pk, "role": "leader"}
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "appoint yourself" in response.content.decode()
    assert not Membership.objects.filter(user=cast.trustee).exists()
    assert not AuditEvent.objects.filter(action="groups.membership.added").exists()


def test_a_trustee_who_is_a_member_cannot_make_themselves_a_leader(cast, auth_client, membership_factory):
    own = membership_factory(cast.group, cast.trustee)
    response = auth_client(cast.trustee).post(
        reverse("admin:groups_membership_change", args=[own.pk]),
        {"group": cast.group.pk, "user": cast.trustee.pk, "role": "leader"},
    )
    assert response.status_code == 200
    assert "appoint yourself" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Membership.Role.MEMBER


def test_the_services_refuse_self_appointment_whoever_calls_them(cast, superuser, membership_factory):
    from groups import services

    with pytest.raises(services.GroupActionRefused):
        services.add_member(cast.other_group, user=superuser, role="leader", actor=superuser)
    own = membership_factory(cast.group, cast.trustee)
    with pytest.raises(services.GroupActionRefused):
        services.appoint_leader(own, actor=cast.trustee)
    assert Membership.objects.get(pk=own.pk).role == Membership.Role.MEMBER


def test_positive_control_another_trustee_appoints_them_and_it_is_audited(
    cast, auth_client, trustee_factory, membership_factory
):
    own = membership_factory(cast.group, cast.trustee)
    colleague = trustee_factory()
    response = auth_client(colleague).post(
        reverse("admin:groups_membership_change", args=[own.pk]),
        {"group": cast.group.pk, "user": cast.trustee.pk, "role": "leader"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.role == Membership.Role.LEADER
    assert AuditEvent.objects.filter(action__startswith="groups.membership.role", actor_id=colleague.pk).exists()


def test_the_admin_sign_in_still_asks_for_the_password(client, cast):
    # The admin's own password form is not a way round: it is allauth's sign-in.
    client.post(reverse("admin:login"), {"username": cast.member.email, "password": TEST_PASSWORD})
    assert SESSION_KEY not in client.session


def test_a_trustee_cannot_disable_or_edit_a_superusers_account(cast, auth_client, superuser):
    auth_client(cast.trustee).post(
        reverse("admin:members_user_change", args=[superuser.pk]),
        change_form_data(superuser, is_active="", display_name="Locked out"),
    )
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.display_name == "Super Sam"
