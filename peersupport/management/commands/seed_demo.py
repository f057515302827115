"""Demo data for `make run`: a group with leaders, members, a trustee, an open session and upcoming ones."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from groups.models import Agreement, GuidelinesVersion, Membership, SupportGroup
from members.models import User
from members.roles import TRUSTEES_GROUP, sync_trustees_group
from sessions.models import GroupSession

DEMO_PASSWORD = "peer-support-demo"  # noqa: S105 - demo data only; refused in production  # nosec B105

PEOPLE = [
    # email, display name, pronouns, role in the group (None: not in it)
    ("leader@example.org", "Morgan", "she/her", Membership.Role.LEADER),
    ("coleader@example.org", "Dev", "he/him", Membership.Role.LEADER),
    ("alex@example.org", "Alex", "they/them", Membership.Role.MEMBER),
    ("sam@example.org", "Sam", "", Membership.Role.MEMBER),
    ("jo@example.org", "Jo", "she/her", Membership.Role.MEMBER),
    ("priya@example.org", "Priya", "", Membership.Role.MEMBER),
    ("trustee@example.org", "Trustee Ruth", "she/her", None),
]
MFA_USERS = {"leader@example.org", "coleader@example.org", "trustee@example.org"}


class Command(BaseCommand):
    help = "Create demo data (safe to run again) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off (never in production).")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates known passwords: it runs only with DJANGO_DEBUG=true (or --force).")
        with transaction.atomic():
            logins = self.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        for email, name, note in logins:
            self.stdout.write(f"  {email:<24} {name:<14} {note}")

    def seed(self) -> list[tuple[str, str, str]]:
        from allauth.account.models import EmailAddress

        sync_trustees_group()
        group, _ = SupportGroup.objects.get_or_create(
            slug="evening-peer-support",
            defaults={
                "name": "Evening Peer Support",
                "description": "A gentle evening group for adults living with anxiety or low mood.",
                "who_it_is_for": "Adults (18+) in the UK with lived experience of anxiety or depression.",
                "meeting_rhythm": "Tuesdays, 7 pm to 8.30 pm, weekly",
            },
        )
        version = group.current_guidelines() or GuidelinesVersion.objects.create(group=group, number=1)

        logins = []
        for email, name, pronouns, role in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name, pronouns=pronouns)
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            note = "member"
            if role is not None:
                membership, _ = Membership.objects.get_or_create(
                    group=group, user=user, defaults={"role": role, "status": Membership.Status.ACTIVE}
                )
                if membership.joined_at is None:
                    membership.set_status(Membership.Status.ACTIVE)
                Agreement.objects.get_or_create(user=user, version=version)
                note = "leader" if role == Membership.Role.LEADER else "member"
            else:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
                note = "trustee (admin)"
            if email in MFA_USERS:
                note += f"; {self.ensure_totp(user)}"
            logins.append((email, name, note))

        self.seed_sessions(group)
        return logins

    def ensure_totp(self, user) -> str:
        """Leaders and trustees need two-step verification: give demo accounts a known TOTP secret."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            totp = TOTP.activate(user, generate_totp_secret()).instance
        codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
        if codes is None:
            codes = RecoveryCodes.activate(user).instance
        unused = RecoveryCodes(codes).get_unused_codes()
        secret = TOTP(totp).instance.data["secret"]
        from allauth.mfa.utils import decrypt

        return f"TOTP secret {decrypt(secret)}, recovery code {unused[0] if unused else '(none left)'}"

    def seed_sessions(self, group: SupportGroup) -> None:
        if group.sessions.exists():
            return
        now = timezone.now().replace(second=0, microsecond=0)
        leader = group.memberships.leaders().first().user
        GroupSession.objects.create(
            group=group,
            topic="Finding calm in busy weeks",
            starts_at=now - timedelta(minutes=10),
            ends_at=now + timedelta(minutes=80),
            status=GroupSession.Status.OPEN,
            meeting_link="https://meet.jit.si/peer-support-demo-room-open",
            created_by=leader,
        )
        topics = [
            ("Sleep and low mood", "Dr Amara Okafor", "a sleep researcher and peer supporter"),
            ("Talking to family about how we feel", "", ""),
            ("Small steps: setting gentle goals", "", ""),
        ]
        for week, (topic, speaker, about) in enumerate(topics, start=1):
            start = (now + timedelta(days=7 * week)).replace(hour=19, minute=0)
            GroupSession.objects.create(
                group=group,
                topic=topic,
                guest_speaker=speaker,
                guest_speaker_about=about,
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                meeting_link="https://meet.jit.si/peer-support-demo-room",
                created_by=leader,
            )
