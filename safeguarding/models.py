from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import AppendOnlyError
from groups.models import SupportGroup

# --- contact details ----------------------------------------------------------------------------


class ContactDetails(models.Model):
    """How the charity can reach a member, or someone close to them, if we are worried about their safety.

    Entered by the member with explicit consent. Every value is encrypted at rest. Only trustees (with a
    stated reason) and a leader of one of the member's groups (urgent welfare, with a reason) see them.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_details")
    phone = EncryptedTextField("your phone number", blank=True)
    emergency_contact_name = EncryptedTextField("emergency contact's name", blank=True)
    emergency_contact_phone = EncryptedTextField("emergency contact's phone number", blank=True)
    address = EncryptedTextField("your address", blank=True)
    notes = EncryptedTextField(
        "anything else we should know", blank=True, help_text="For example, the best time to call."
    )
    consent_given_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "contact details"
        verbose_name_plural = "contact details"

    def __str__(self) -> str:
        return f"Contact details #{self.pk}"

    def audit_label(self) -> str:
        return f"contact details of user #{self.user_id}"


class ContactAccess(models.Model):
    """One reveal of a member's contact details: who, when, why. The member sees this log."""

    class Role(models.TextChoices):
        TRUSTEE = "trustee", "a safeguarding lead"
        LEADER = "leader", "a group leader"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_accesses")
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="contact_reveals"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    group = models.ForeignKey(SupportGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    urgent_welfare = models.BooleanField(default=False)
    reason = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Claimed by the email task with a conditional update, so the trustees are told once.
    trustees_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "contact details access"
        verbose_name_plural = "contact details accesses"

    def __str__(self) -> str:
        return f"Contact details access #{self.pk}"

    def audit_label(self) -> str:
        return f"contact details access #{self.pk}"


# --- concerns and cases -------------------------------------------------------------------------


class ConcernQuerySet(models.QuerySet):
    def raised_with_leaders_of(self, group):
        """Concerns a group's leaders may read: raised with them, or recorded by a leader from the room (those
        go to the trustees too); not those a leader raised with the trustees alone."""
        recorded_in_the_room = models.Q(source=Concern.Source.SESSION) & ~models.Q(about=Concern.About.LEADER)
        recorded_in_the_room &= ~models.Q(category=Concern.Category.LEADER_CONDUCT)
        return self.filter(group=group).filter(models.Q(to_trustees=False) | recorded_in_the_room)

    def open(self):
        return self.exclude(status=Concern.Status.CLOSED)

    def for_trustees(self):
        """Concerns the trustees work as cases: raised with them, passed to them, or immediate risk."""
        return self.filter(
            models.Q(to_trustees=True)
            | models.Q(escalated_at__isnull=False)
            | models.Q(risk_level=Concern.RiskLevel.IMMEDIATE)
        )


class Concern(models.Model):
    """A worry raised with a group's leaders (or by a leader with the trustees). Trustees work it as a case."""

    class Category(models.TextChoices):
        RISK_TO_SELF = "risk_to_self", "Risk to self"
        RISK_TO_ADULT = "risk_to_adult", "Risk to another adult"
        RISK_TO_CHILD = "risk_to_child", "Risk to a child"
        COMPLAINT = "complaint", "Complaint about a member"
        LEADER_CONDUCT = "leader_conduct", "Complaint about a leader"
        OFFENSIVE_LANGUAGE = "offensive_language", "Offensive language"
        COPING_METHODS = "coping_methods", "Unproven or illegal coping methods"
        OTHER = "other", "Something else"

    class RiskLevel(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        IMMEDIATE = "immediate", "Immediate"

    class About(models.TextChoices):
        SELF = "self", "Myself"
        MEMBER = "member", "Another member"
        LEADER = "leader", "A leader of the group"
        GROUP = "group", "The group"

    class Source(models.TextChoices):
        MEMBER = "member", "Raised by a member"
        SESSION = "session", "Recorded during a session"
        LEADER = "leader", "Raised by a leader"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        ACTION_TAKEN = "action_taken", "Action taken"
        CLOSED = "closed", "Closed"

    # Allowed moves: forwards through the workflow; a closed case can be reopened for review.
    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW, Status.ACTION_TAKEN, Status.CLOSED},
        Status.IN_REVIEW: {Status.ACTION_TAKEN, Status.CLOSED},
        Status.ACTION_TAKEN: {Status.IN_REVIEW, Status.CLOSED},
        Status.CLOSED: {Status.IN_REVIEW},
    }

    group = models.ForeignKey(SupportGroup, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="concerns_raised"
    )
    about = models.CharField(max_length=10, choices=About.choices, default=About.SELF)
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns_about"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    details = EncryptedTextField()
    # True: the group's leaders never see it, nor are told of it (raised straight with the trustees, or about
    # a leader). safeguarding.services.raise_concern decides; see routed_to_trustees().
    to_trustees = models.BooleanField(default=False, help_text="Raised directly with the trustees.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MEMBER)
    session = models.ForeignKey(
        "group_sessions.GroupSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_assigned",
        help_text="The safeguarding lead working this case.",
    )
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="When a leader passed it to the trustees.")
    # "Happened" (as the raiser remembers it) is kept apart from "recorded" (created_at): a chronology needs both.
    happened_at = models.DateTimeField("when it happened", null=True, blank=True)
    created_at = models.DateTimeField("recorded", default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = EncryptedTextField("why the case was closed", blank=True)
    # Claimed by the email tasks with a conditional update, so each email goes out once.
    leaders_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    trustees_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["group", "to_trustees", "status"]),
            models.Index(fields=["status", "closed_at"]),
        ]

    def __str__(self) -> str:
        return f"Concern #{self.pk} ({self.group})"

    def audit_label(self) -> str:
        return f"concern #{self.pk}"

    @property
    def leaders_may_read(self) -> bool:
        """The group's leaders may read it (see ConcernQuerySet.raised_with_leaders_of)."""
        if not self.to_trustees:
            return True
        # Recorded in the room (with the trustees too), unless it is about a leader: that one the leaders never read.
        about_a_leader = self.about == self.About.LEADER or self.category == self.Category.LEADER_CONDUCT
        return self.source == self.Source.SESSION and not about_a_leader

    @property
    def is_with_trustees(self) -> bool:
        return self.to_trustees or self.escalated_at is not None or self.risk_level == self.RiskLevel.IMMEDIATE

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class CaseNoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Case notes are never edited: add a new note to correct one.")

    def delete(self):
        raise AppendOnlyError("Case notes are never deleted: add a new note to correct one.")


class CaseNote(models.Model):
    """One entry in a case's chronology. Added, never edited or deleted (corrections are new notes)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A snapshot of the author's role when they wrote it (a chronology names role as well as person).
    author_role = models.CharField(max_length=60, blank=True, editable=False)
    text = EncryptedTextField()
    happened_at = models.DateTimeField(
        "when it happened", null=True, blank=True, help_text="If different from when it is recorded (now)."
    )
    created_at = models.DateTimeField("recorded", default=timezone.now)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "case note"

    def __str__(self) -> str:
        return f"Case note #{self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Case notes are never edited: add a new note to correct one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Case notes are never deleted: add a new note to correct one.")

    def audit_label(self) -> str:
        return f"case note #{self.pk} on concern #{self.concern_id}"


# --- removals -----------------------------------------------------------------------------------


class RemovalQuerySet(models.QuerySet):
    def in_force(self):
        """Not lifted, and (if temporary) not yet past its end."""
        return self.filter(lifted_at__isnull=True).filter(
            models.Q(until__isnull=True) | models.Q(until__gt=timezone.now())
        )

    def active_for(self, session, user):
        """The removal from this one session that bars this person now, if any: the one record of "removed from
        this session" that the room, the join page and the video call all ask. `session` and `user` may be
        instances, ids or expressions (OuterRef), so a list can ask it in its own query (no query per row)."""
        session_id = getattr(session, "pk", session)
        user_id = getattr(user, "pk", user)
        return self.in_force().filter(kind=Removal.Kind.SESSION, session_id=session_id, membership__user_id=user_id)

    def due_to_lift(self):
        return self.filter(kind=Removal.Kind.TEMPORARY, lifted_at__isnull=True, until__lte=timezone.now())


class Removal(models.Model):
    """A decision to remove someone from one live session, for a while, or for good."""

    class Kind(models.TextChoices):
        SESSION = "session", "From this session"
        TEMPORARY = "temporary", "For a while (until a date)"
        PERMANENT = "permanent", "Permanently"

    class Reason(models.TextChoices):
        OFFENSIVE_LANGUAGE = "offensive_language", "Abusive or offensive language or comments"
        TALKING_OVER = "talking_over", "Repeatedly talking over others who are speaking"
        DISTRESSING_TOPICS = "distressing_topics", "Speaking about topics which others find distressing"
        RISK_TO_MEMBERS = "risk_to_members", "A risk to other members"
        COMPLAINT = "complaint", "A complaint from another group member"
        COPING_METHODS = "coping_methods", "Unhealthy coping methods or treatments that are not medically proven"
        OTHER = "other", "Another reason"

    membership = models.ForeignKey("groups.Membership", on_delete=models.PROTECT, related_name="removals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reasons = models.JSONField(default=list)
    until = models.DateTimeField(null=True, blank=True)
    session = models.ForeignKey(
        "group_sessions.GroupSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="removals"
    )
    one_to_one_held = models.BooleanField("a 1-1 conversation took place", default=False)
    one_to_one_at = models.DateTimeField("when the 1-1 conversation took place", null=True, blank=True)
    note = EncryptedTextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="removals_decided"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_note = EncryptedTextField(blank=True)
    # Claimed by the email tasks with a conditional update, so each email goes out once.
    member_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    lift_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RemovalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "lifted_at", "until"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="temporary") | models.Q(until__isnull=False), name="temporary_removal_has_end"
            ),
        ]

    def __str__(self) -> str:
        return f"Removal #{self.pk} ({self.get_kind_display()})"

    def audit_label(self) -> str:
        return f"removal #{self.pk}"

    @property
    def is_in_force(self) -> bool:
        if self.lifted_at is not None:
            return False
        return self.until is None or self.until > timezone.now()

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [labels.get(code, code) for code in self.reasons]


# The casework a regulator follows (referrals, sign-offs, flags, serious incidents) lives in its own module.
from safeguarding.casework import CaseFlag, Referral, SeriousIncident, SignOff  # noqa: E402, F401
from safeguarding.datarights import Breach, DataRightsRequest  # noqa: E402, F401
from safeguarding.suitability import SuitabilityCheck  # noqa: E402, F401
