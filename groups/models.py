import hashlib
import secrets
from datetime import time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from core.fields import EncryptedTextField
from groups import texts

# Paths under /groups/ that a group's slug must not take.
RESERVED_SLUGS = frozenset({"mine", "invite", "new"})


def validate_not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"“{slug}” is used by the site itself; please choose another web address.")


class SupportGroupQuerySet(models.QuerySet):
    def open_to_requests(self):
        return self.filter(is_open_to_requests=True, is_archived=False)

    def for_user(self, user):
        """Groups where the user is an active member or leader."""
        return self.filter(
            memberships__user=user, memberships__status=Membership.Status.ACTIVE, is_archived=False
        ).distinct()


class SupportGroup(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_not_reserved])
    description = models.TextField(help_text="Shown in the public directory: what the group is about.")
    who_it_is_for = models.TextField(blank=True)
    meeting_rhythm = models.CharField(max_length=200, help_text="In words, e.g. 'Tuesdays, 7–8.30 pm, fortnightly'.")  # noqa: RUF001
    welfare_threshold_minutes = models.PositiveSmallIntegerField(
        default=10, help_text="Leaders get a welfare prompt when a member has stepped out longer than this."
    )
    follow_up_due_time = models.TimeField(
        default=time(18, 0),
        help_text="Follow-ups from a session are due the next day at this time (UK time).",
    )
    chat_word_list = models.TextField(
        default=texts.DEFAULT_WORD_LIST,
        blank=True,
        help_text="One word or phrase per line. Room chat messages containing one are held back and shown to leaders.",
    )
    waiting_room = models.BooleanField(
        default=True,
        help_text="Members wait until a leader lets them into the video call (the rest of the room works meanwhile).",
    )
    is_open_to_requests = models.BooleanField(default=True, help_text="Listed in the public directory.")
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupportGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "support group"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    @property
    def word_list(self) -> list[str]:
        return [line.strip().lower() for line in self.chat_word_list.splitlines() if line.strip()]

    def current_guidelines(self) -> "GuidelinesVersion | None":
        return self.guideline_versions.order_by("-number").first()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def leaders(self):
        return self.filter(role=Membership.Role.LEADER)

    def members(self):
        return self.filter(role=Membership.Role.MEMBER)

    def pending(self):
        return self.filter(status=Membership.Status.PENDING)

    # What a leader sees of someone, by meaning (groups.permissions.get_member_for_leader takes one of these):

    def with_history(self):
        """Anyone but a request still waiting: people who are or were in the group (and declined requests, as
        before). The member's attendance history (sessions) shows a member who has left."""
        return self.exclude(status=Membership.Status.PENDING)

    def in_leaders_care(self):
        """In the group, paused, or removed: people whose welfare the leaders still look after (safeguarding's
        welfare pages and contact reveals). Not someone who left, nor a request."""
        return self.filter(
            status__in=(Membership.Status.ACTIVE, Membership.Status.SUSPENDED, Membership.Status.REMOVED)
        )

    def with_agreement_state(self):
        """Annotate agreed_to_current: agreed to the group's newest guidelines (True if it has none)."""
        newest = GuidelinesVersion.objects.filter(group=OuterRef("group")).order_by("-number").values("pk")[:1]
        return self.annotate(current_guidelines_id=Subquery(newest)).annotate(
            agreed_to_current=Case(
                When(current_guidelines_id__isnull=True, then=Value(True)),
                default=Exists(
                    Agreement.objects.filter(user=OuterRef("user"), version=OuterRef("current_guidelines_id"))
                ),
            )
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", "Leader"
        MEMBER = "member", "Member"

    class Status(models.TextChoices):
        PENDING = "pending", "Asked to join"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REMOVED = "removed", "Removed"
        LEFT = "left", "Left"
        DECLINED = "declined", "Request declined"

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # May be personal ("I've just come out of hospital"): encrypted at rest.
    request_note = EncryptedTextField(max_length=500, blank=True, help_text="The person's note when asking to join.")
    requested_at = models.DateTimeField(default=timezone.now)
    decline_message = models.CharField(
        max_length=1000, blank=True, help_text="A leader's optional words to the person when declining a request."
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    role_changed_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_user_per_group")]
        indexes = [models.Index(fields=["group", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_role_display()}, {self.get_status_display()})"

    def audit_label(self) -> str:
        """No names: audit labels outlive erasure (see core.audit)."""
        return f"membership #{self.pk} of group #{self.group_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_leader(self) -> bool:
        return self.is_active and self.role == self.Role.LEADER

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def has_agreed_to_current(self, current: "GuidelinesVersion | None" = None) -> bool:
        """`current`: the group's current guidelines, when the caller has read them already (saves a query)."""
        if hasattr(self, "agreed_to_current"):  # annotated by MembershipQuerySet.with_agreement_state()
            return self.agreed_to_current
        if current is None:
            current = self.group.current_guidelines()
        if current is None:
            return True
        return Agreement.objects.filter(user_id=self.user_id, version=current).exists()

    @property
    def can_join_sessions(self) -> bool:
        """Active and agreed to the group's current guidelines (leaders agree too)."""
        return self.is_active and self.has_agreed_to_current()

    def set_role(self, role: str) -> None:
        self.role = role
        self.role_changed_at = timezone.now()
        self.save(update_fields=["role", "role_changed_at"])

    def set_status(self, status: str) -> None:
        self.status = status
        self.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if status == self.Status.ACTIVE and self.joined_at is None:
            self.joined_at = self.status_changed_at
            fields.append("joined_at")
        self.save(update_fields=fields)


def normalise_newlines(text: str) -> str:
    """Browsers send CRLF from textareas; store LF without surrounding blank space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class GuidelinesVersion(models.Model):
    """One version of a group's agreement. Edits make a new version; old ones are kept as agreed to."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="guideline_versions")
    number = models.PositiveIntegerField()
    principles = models.TextField(default=texts.PRINCIPLES_TEXT)
    guidelines = models.TextField(default=texts.GUIDELINES_TEXT)
    change_summary = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "-number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="one_guidelines_number_per_group")]

    def __str__(self) -> str:
        return f"{self.group} guidelines v{self.number}"

    def audit_label(self) -> str:
        return f"guidelines v{self.number} of group #{self.group_id}"

    def has_same_text(self, principles: str, guidelines: str) -> bool:
        mine = (normalise_newlines(self.principles), normalise_newlines(self.guidelines))
        return mine == (normalise_newlines(principles), normalise_newlines(guidelines))

    def principle_items(self) -> list[tuple[str, str]]:
        """The principles as (name, meaning) pairs, one per "Name: meaning" line."""
        items = []
        for line in self.principles.splitlines():
            name, sep, meaning = line.partition(":")
            if line.strip():
                items.append((name.strip(), meaning.strip()) if sep else ("", line.strip()))
        return items

    def guideline_sections(self) -> list[tuple[str, list[str]]]:
        """The guidelines as (heading, paragraphs): blocks split by blank lines, a block's first line its heading."""
        sections = []
        for block in normalise_newlines(self.guidelines).split("\n\n"):
            lines = [line.strip() for line in block.splitlines() if line.strip()]
            if len(lines) > 1:
                sections.append((lines[0], lines[1:]))
            elif lines:
                sections.append(("", lines))
        return sections


class Agreement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreements")
    version = models.ForeignKey(GuidelinesVersion, on_delete=models.PROTECT, related_name="agreements")
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_agreement_per_user_per_version")]

    def __str__(self) -> str:
        return f"{self.user} agreed to {self.version} at {self.agreed_at:%Y-%m-%d %H:%M}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A single-use, expiring, revocable invitation link. Only the token's hash is stored."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(max_length=120, blank=True, help_text="For the leaders, e.g. who it is for.")
    # What the person becomes: a member, or (made by a trustee, e.g. setup_charity) the group's leader.
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_made"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True), name="invitation_not_used_and_revoked"
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.group} ({self.state_label})"

    @property
    def state(self) -> str:
        """used, withdrawn, expired or open: what a leader sees, and why a person is refused."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    @property
    def state_label(self) -> str:
        return {"used": "Used", "withdrawn": "Withdrawn", "expired": "Expired", "open": "Not used yet"}[self.state]

    @property
    def is_usable(self) -> bool:
        return self.state == "open"

    @classmethod
    def create(
        cls, *, group: SupportGroup, created_by, days: int = 14, note: str = "", role: str = Membership.Role.MEMBER
    ) -> tuple["Invitation", str]:
        """Make an invitation; returns it with the raw token, which is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            group=group,
            role=role,
            token_hash=_hash_token(token),
            created_by=created_by,
            note=note,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return invitation, token

    @classmethod
    def find(cls, token: str) -> "Invitation | None":
        return cls.objects.select_related("group").filter(token_hash=_hash_token(token)).first()


class GroupEmailSent(models.Model):
    """A claim that one email about one membership event went out: claimed before sending, so never twice.

    `about` is the time of the event the email is about (a request, an answer, an appointment), so the
    same kind of email can go again for a later event of the same membership.
    """

    class Kind(models.TextChoices):
        REQUEST_TO_LEADERS = "request_to_leaders", "Join request, to the leaders"
        REQUEST_APPROVED = "request_approved", "Request approved"
        REQUEST_DECLINED = "request_declined", "Request declined"
        MADE_LEADER = "made_leader", "Made a leader"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="emails_sent")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    about = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind", "about"], name="one_group_email_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for membership {self.membership_id}"
