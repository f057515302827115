"""First run for a real charity: the charity's details, the first trustee, and optionally the first group with
an invitation for its first leader.

    python manage.py setup_charity                       # asks for each value
    DJANGO_SUPERUSER_PASSWORD=... python manage.py setup_charity --noinput --name ... (see --help)

The trustee is a superuser in the Trustees group; like every trustee they must set up two-step verification
(TOTP) at their first sign-in before any other page opens (groups.middleware). The leader's invitation is
emailed (SMTP from the settings); the link is printed too, in case the email does not arrive.
"""

import getpass
import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from charity.models import Charity
from core.audit import record
from groups import invitations
from groups import services as group_services
from groups.models import SupportGroup
from members.models import User
from members.roles import TRUSTEES_GROUP, sync_trustees_group

QUESTIONS = [
    # option, question, is an email address, required
    ("name", "The charity's name", False, True),
    ("contact_email", "The charity's contact email (for general questions)", True, True),
    ("safeguarding_email", "The safeguarding contact's email (members write here about safeguarding)", True, True),
    ("trustee_email", "The first trustee's email (they sign in with it)", True, True),
    ("trustee_name", "The first trustee's name, as others see it", False, True),
    ("group_name", "The first group's name (leave empty to make groups later in the admin)", False, False),
]


class Command(BaseCommand):
    help = (
        "Set up a new site: the charity's details, the first trustee (a superuser who must set up two-step "
        "sign-in), and optionally the first group with an emailed invitation for its first leader."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", help="The charity's name.")
        parser.add_argument("--contact-email", help="The charity's contact email.")
        parser.add_argument("--safeguarding-email", help="Who members write to about safeguarding.")
        parser.add_argument("--trustee-email", help="The first trustee's email.")
        parser.add_argument("--trustee-name", help="The first trustee's display name.")
        parser.add_argument("--group-name", default=None, help="Make a first group with this name (optional).")
        parser.add_argument("--group-description", default="", help="Shown in the group directory.")
        parser.add_argument("--meeting-rhythm", default="", help="In words, e.g. 'Tuesdays, 7-8.30 pm'.")
        parser.add_argument("--leader-email", default=None, help="Invite this person to lead the first group.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ask nothing: every value from the options, the password from DJANGO_SUPERUSER_PASSWORD.",
        )

    def handle(self, *args, interactive: bool, **options):
        if Charity.objects.exists() or User.objects.filter(is_superuser=True).exists():
            raise CommandError("This site is set up already: change the charity's details and people in the admin.")
        values = self.gather(options, interactive=interactive)
        password = self.password(values, interactive=interactive)
        with transaction.atomic():
            charity, trustee = self.create_charity_and_trustee(values, password)
            group = self.create_group(values, trustee) if values.get("group_name") else None
        self.stdout.write(self.style.SUCCESS(f"Set up {charity.name}."))
        self.stdout.write(
            f"The trustee {trustee.email} signs in at {settings.SITE_URL}{reverse('account_login')} and is asked "
            "to set up two-step verification (an authenticator app) before anything else."
        )
        if group is not None:
            self.stdout.write(f"The group {group.name} is at {settings.SITE_URL}{group.get_absolute_url()}.")
            if leader := values.get("leader_email"):
                self.invite(group, trustee, leader)

    # --- input ---

    def gather(self, options: dict, *, interactive: bool) -> dict:
        values = {}
        for name, question, is_email, required in QUESTIONS:
            value = (options.get(name) or "").strip()
            while interactive and not value and options.get(name) is None:
                value = input(f"{question}: ").strip()
                if not value and not required:
                    break
                if value and (problem := self.problem(value, is_email=is_email)):
                    self.stderr.write(problem)
                    value = ""
            if required and not value:
                raise CommandError(f"--{name.replace('_', '-')} is required.")
            if value and (problem := self.problem(value, is_email=is_email)):
                raise CommandError(f"--{name.replace('_', '-')}: {problem}")
            values[name] = value
        leader = (options.get("leader_email") or "").strip()
        if values["group_name"] and not leader and interactive:
            leader = input("The first leader's email, to invite them (leave empty to skip): ").strip()
        if leader:
            if not values["group_name"]:
                raise CommandError("--leader-email needs --group-name: a leader is invited to a group.")
            if problem := self.problem(leader, is_email=True):
                raise CommandError(f"--leader-email: {problem}")
        values["leader_email"] = leader
        values["group_description"] = options.get("group_description") or ""
        values["meeting_rhythm"] = options.get("meeting_rhythm") or ""
        if User.objects.filter(email__iexact=values["trustee_email"]).exists():
            raise CommandError(f"{values['trustee_email']} already has an account: choose another trustee email.")
        return values

    @staticmethod
    def problem(value: str, *, is_email: bool) -> str | None:
        if is_email:
            try:
                validate_email(value)
            except ValidationError:
                return f"{value!r} is not an email address."
        return None

    def password(self, values: dict, *, interactive: bool) -> str:
        probe = User(email=values["trustee_email"], display_name=values["trustee_name"])
        if not interactive:
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
            if not password:
                raise CommandError("With --noinput the trustee's password comes from DJANGO_SUPERUSER_PASSWORD.")
            try:
                validate_password(password, user=probe)
            except ValidationError as exc:
                raise CommandError("DJANGO_SUPERUSER_PASSWORD: " + " ".join(exc.messages)) from None
            return password
        while True:
            password = getpass.getpass("The trustee's password: ")
            if password != getpass.getpass("The same again: "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, user=probe)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return password

    # --- records ---

    def create_charity_and_trustee(self, values: dict, password: str) -> tuple[Charity, User]:
        charity = Charity.objects.create(
            pk=1,
            name=values["name"],
            contact_email=values["contact_email"],
            safeguarding_email=values["safeguarding_email"],
        )
        trustee = User.objects.create_superuser(values["trustee_email"], password, display_name=values["trustee_name"])
        EmailAddress.objects.create(user=trustee, email=trustee.email, verified=True, primary=True)
        sync_trustees_group()
        trustee.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
        record("charity.set_up", actor=trustee, subject=charity, data={"trustee": trustee.pk})
        return charity, trustee

    def create_group(self, values: dict, trustee: User) -> SupportGroup:
        base = slugify(values["group_name"])[:70] or "group"
        slug, n = base, 1
        while SupportGroup.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        group = SupportGroup(
            name=values["group_name"],
            slug=slug,
            description=values["group_description"] or f"An online peer support group run by {values['name']}.",
            meeting_rhythm=values["meeting_rhythm"] or "To be arranged",
        )
        try:
            group.full_clean()
        except ValidationError as exc:
            raise CommandError(f"The group: {' '.join(exc.messages)}") from None
        group.save()
        group_services.publish_default_guidelines(group, actor=trustee)
        record("groups.group.created", actor=trustee, subject=group, data={"by": "setup_charity"})
        return group

    def invite(self, group: SupportGroup, trustee: User, to: str) -> None:
        _, url, failure = invitations.invite_leader(group, actor=trustee, email=to)
        if failure:  # the invitation stands; hand the link over another way
            self.stderr.write(
                f"The invitation email to {to} could not be sent ({failure}). Check the EMAIL_* settings with "
                f"`manage.py sendtestemail`, and meanwhile give them this link yourself: {url}"
            )
            return
        self.stdout.write(f"Invited {to} to lead {group.name}: the email is sent. The link, once: {url}")
