"""After the room closes: follow-ups (what a leader must still do after a session) and conversations.

A follow-up holds who, what kind, when, who owns it, when it is due and how it ended: never anything the
member wrote (in-session words are relayed live only and never kept). An open item from a leaders' debrief
also holds what to do, in a leader's own words (encrypted), and may be about nobody in particular.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import EncryptedTextField


def next_day_at(moment: datetime, at: time) -> datetime:
    """The day after `moment`, at `at` in the charity's time zone (the group's follow-up due time)."""
    local = timezone.localtime(moment)
    day = local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, at))


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def for_group(self, group):
        return self.filter(group=group)

    def unclaimed_for(self, hours: float, *, now: datetime | None = None):
        """Open, nobody has claimed it for `hours`, and the leaders have not been reminded yet."""
        now = now or timezone.now()
        return self.open().filter(
            owner__isnull=True, created_at__lte=now - timedelta(hours=hours), leaders_reminded_at__isnull=True
        )

    def overdue(self, *, now: datetime | None = None):
        """Still open a day after it was made (settings.FOLLOW_UP_OVERDUE_HOURS): the trustees should know."""
        now = now or timezone.now()
        return self.open().filter(created_at__lte=now - timedelta(hours=settings.FOLLOW_UP_OVERDUE_HOURS))


class FollowUp(models.Model):
    """Something a group's leaders must still do after a session: for one member, or an open item from a debrief.

    Every kind but an open item names the member it is for (a check constraint). An open item may name a
    member who came to the session, or nobody: "find a quieter room" is about the group, and making a
    leader pick someone would put a false record against a person.
    """

    class Kind(models.TextChoices):
        CONTACT = "contact", "Asked to be contacted"
        LEFT = "left", "Left without a check-in"
        STEPPED_OUT = "stepped_out", "Stepped out and not back by the end"
        TRIGGERED = "triggered", "Found something triggering (not acknowledged)"
        MESSAGE = "message", "Private message not acknowledged"
        WELFARE = "welfare", "Welfare prompt not acknowledged"
        ITEM = "item", "Open item from a debrief"

    class Outcome(models.TextChoices):
        SPOKE = "spoke", "Spoke with them"
        MESSAGED = "messaged", "Message sent"
        NO_ANSWER = "no_answer", "No answer"
        CONCERN = "concern", "Turned into a concern"
        NOT_NEEDED = "not_needed", "Not needed"
        DONE = "done", "Done"

    group = models.ForeignKey("groups.SupportGroup", on_delete=models.CASCADE, related_name="follow_ups")
    session = models.ForeignKey(
        "group_sessions.GroupSession", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # Erasing a member's account deletes the follow-ups about them (peersupport/gdpr.py).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups_about"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    happened_at = models.DateTimeField(help_text="When it happened in the session (an open item: its debrief).")
    debrief = models.ForeignKey(
        "wellbeing.Debrief", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    what = EncryptedTextField(blank=True, help_text="An open item: what to do, in a leader's words.")
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups_owned"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    # Claimed by the email tasks with a conditional update, so each email goes out once.
    leaders_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    trustees_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["group", "closed_at"]), models.Index(fields=["closed_at", "created_at"])]
        constraints = [
            # Made once per member, kind and session, however often the end-of-session sweep runs.
            # (Open items are each their own: a debrief may hold two about the same person.)
            models.UniqueConstraint(
                fields=["session", "member", "kind"],
                condition=Q(session__isnull=False) & ~Q(kind="item"),
                name="one_follow_up_per_kind",
            ),
            models.CheckConstraint(condition=Q(kind="item") | Q(member__isnull=False), name="follow_up_names_a_member"),
            models.CheckConstraint(
                condition=~Q(kind="item") | Q(debrief__isnull=False), name="open_item_comes_from_a_debrief"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""), name="closed_follow_up_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up #{self.pk} ({self.get_kind_display()})"

    def audit_label(self) -> str:
        return f"follow-up #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def short_label(self) -> str:
        """Who or what it is about, for a button's accessible name and a confirmation."""
        if self.member_id is not None:
            return self.member.display_name
        words = self.what.split()
        return "“" + " ".join(words[:6]) + ("…" if len(words) > 6 else "") + "”"

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        """How it may end: an item about nobody cannot end with "spoke with them" or "no answer"."""
        if self.member_id is None:
            keep = (self.Outcome.DONE, self.Outcome.CONCERN, self.Outcome.NOT_NEEDED)
            return [(outcome.value, outcome.label) for outcome in keep]
        return list(self.Outcome.choices)

    @property
    def is_past_due(self) -> bool:
        return self.is_open and timezone.now() >= self.due_at


# --- conversations ------------------------------------------------------------------------------------


class ConversationQuerySet(models.QuerySet):
    def expired(self, *, now: datetime | None = None):
        """Not tied to a concern (a case), and quiet for longer than settings.CONVERSATION_RETENTION_DAYS."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
        return self.filter(concern__isnull=True, last_message_at__lt=cutoff)


class Conversation(models.Model):
    """Private messages between one member and their group's leaders as a team, outside sessions.

    Members never message members: the other side is always "the leaders of this group". A conversation
    started from a concern belongs with it (the trustees see it too while the concern is with them) and is
    kept with the case; the others are deleted after the retention period.
    """

    group = models.ForeignKey("groups.SupportGroup", on_delete=models.CASCADE, related_name="conversations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    concern = models.ForeignKey(
        "safeguarding.Concern", null=True, blank=True, on_delete=models.CASCADE, related_name="conversations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["group", "-last_message_at"]), models.Index(fields=["member", "group"])]

    def __str__(self) -> str:
        return f"Conversation #{self.pk}"

    def audit_label(self) -> str:
        return f"conversation #{self.pk}"


class Message(models.Model):
    """One message. The words are encrypted at rest; emails and tasks only ever carry the id."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_leaders = models.BooleanField(help_text="Written by one of the group's leaders (else by the member).")
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Claimed by the email task with a conditional update, so each notice goes out once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message #{self.pk}"


class ReadMark(models.Model):
    """How far one person has read one conversation (for unread counts)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_read_mark_per_person")]

    def __str__(self) -> str:
        return f"read mark of conversation {self.conversation_id}"
