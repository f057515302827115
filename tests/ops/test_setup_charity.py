"""`manage.py setup_charity`: the first trustee, the charity's details, the first group and its leader's invitation."""

import io
import re
import smtplib

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from charity.models import Charity, safeguarding_contact
from core.models import AuditEvent
from groups import invitations
from groups.models import Invitation, Membership, SupportGroup
from groups.roles import needs_mfa
from members.models import User
from members.roles import is_trustee

PASSWORD = "a-long-trustee-password-7"
FLAGS = [
    "--noinput",
    "--name=Calm Waters",
    "--contact-email=hello@calmwaters.example",
    "--safeguarding-email=safeguarding@calmwaters.example",
    "--trustee-email=ruth@calmwaters.example",
    "--trustee-name=Ruth",
]


def run(*args, **env) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("setup_charity", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://calmwaters.example"
    return mail.outbox


def test_flags_make_the_charity_and_a_trustee_who_must_set_up_two_step_sign_in(db, password, outbox):
    out, _ = run(*FLAGS)
    charity = Charity.objects.get()
    assert (charity.name, charity.contact_email, charity.safeguarding_email) == (
        "Calm Waters",
        "hello@calmwaters.example",
        "safeguarding@calmwaters.example",
    )
    trustee = User.objects.get(email="ruth@calmwaters.example")
    assert trustee.is_superuser and trustee.is_staff and trustee.check_password(PASSWORD)
    assert trustee.display_name == "Ruth"
    assert is_trustee(trustee) and needs_mfa(trustee)
    assert EmailAddress.objects.get(user=trustee).verified
    assert trustee.groups.filter(name="Trustees").exists()
    assert "two-step verification" in out
    assert AuditEvent.objects.filter(action="charity.set_up").count() == 1
    assert not SupportGroup.objects.exists()
    assert outbox == []


def test_the_safeguarding_contact_in_emails_is_the_charitys(db, password, settings):
    settings.SAFEGUARDING_CONTACT_EMAIL = "from-settings@example.org"
    assert safeguarding_contact() == "from-settings@example.org"
    run(*FLAGS)
    assert safeguarding_contact() == "safeguarding@calmwaters.example"


def test_first_group_with_an_emailed_invitation_to_lead_it(db, password, outbox, user_factory):
    out, _ = run(*FLAGS, "--group-name=Evening Circle", "--leader-email=lee@calmwaters.example")
    group = SupportGroup.objects.get()
    assert group.slug == "evening-circle"
    assert group.current_guidelines() is not None
    invitation = Invitation.objects.get()
    assert invitation.role == Membership.Role.LEADER
    assert len(outbox) == 1
    email = outbox[0]
    assert email.to == ["lee@calmwaters.example"]
    assert email.reply_to == ["hello@calmwaters.example"]
    assert "Evening Circle" in email.subject
    link = re.search(r"https://calmwaters\.example/groups/invite/\S+/", email.body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert "two-step verification" in email.body
    assert "the email is sent" in out
    leader = user_factory("lee@calmwaters.example")
    membership = invitations.accept_invitation(token, user=leader, group_slug=group.slug)
    assert membership.is_leader and membership.is_active


def test_an_smtp_failure_keeps_everything_and_prints_the_link(db, password, outbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    _, err = run(*FLAGS, "--group-name=Evening Circle", "--leader-email=lee@calmwaters.example")
    assert "could not be sent (SMTPServerDisconnected" in err
    assert "sendtestemail" in err
    assert re.search(r"/groups/invite/\S+/", err)
    assert Invitation.objects.usable().count() == 1
    assert User.objects.filter(is_superuser=True).count() == 1


def test_running_twice_is_refused_and_changes_nothing(db, password):
    run(*FLAGS)
    with pytest.raises(CommandError, match="set up already"):
        run(*FLAGS[:-2], "--trustee-email=other@calmwaters.example", "--trustee-name=Other")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("--contact-email=not-an-address", "--contact-email: 'not-an-address' is not an email address."),
        ("--trustee-email=", "--trustee-email is required."),
    ],
)
def test_bad_flags_are_named_and_nothing_is_made(db, password, change, message):
    name = change.split("=")[0]
    flags = [flag for flag in FLAGS if not flag.startswith(name + "=")] + [change]
    with pytest.raises(CommandError) as refused:
        run(*flags)
    assert str(refused.value) == message
    assert not Charity.objects.exists() and not User.objects.exists()


def test_a_leader_needs_a_group(db, password):
    with pytest.raises(CommandError, match="--leader-email needs --group-name"):
        run(*FLAGS, "--leader-email=lee@calmwaters.example")


def test_without_a_password_in_the_environment_noinput_refuses(db, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD"):
        run(*FLAGS)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        run(*FLAGS)
    assert not User.objects.exists()


def test_interactive_asks_again_after_a_bad_answer(db, monkeypatch, outbox):
    answers = iter(
        [
            "Calm Waters",
            "not-an-address",
            "hello@calmwaters.example",
            "safeguarding@calmwaters.example",
            "ruth@calmwaters.example",
            "Ruth",
            "Evening Circle",
            "lee@calmwaters.example",
        ]
    )
    passwords = iter(["one-long-password-1", "another-password-2", "short", "short", PASSWORD, PASSWORD])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    _, err = run()
    assert "'not-an-address' is not an email address." in err
    assert "The two passwords differ" in err
    assert "too short" in err
    assert User.objects.get(email="ruth@calmwaters.example").check_password(PASSWORD)
    assert Invitation.objects.get().role == Membership.Role.LEADER
    assert len(outbox) == 1


def test_a_leaders_invitation_is_a_trustees_to_make(db, group_factory, membership_factory):
    group = group_factory()
    leader = membership_factory(group, role=Membership.Role.LEADER).user
    with pytest.raises(PermissionDenied, match="Only trustees"):
        invitations.create_invitation(group, actor=leader, role=Membership.Role.LEADER)
    invitations.create_invitation(group, actor=leader)
    assert Invitation.objects.get().role == Membership.Role.MEMBER
