"""Care around the session: the crisis lines shown everywhere, members' safety plans, leaders' debriefs.

Safety plans and debriefs hold a person's own words: encrypted at rest (EncryptedTextField), read by
anyone but their owner only through wellbeing.permissions, and audited (wellbeing.services).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from groups.models import SupportGroup

# Digits, spaces and a leading + only: the number becomes a tel:/sms: link.
PHONE_NUMBER = re.compile(r"^\+?[0-9][0-9 ]{1,24}$")


def validate_phone_number(value: str) -> None:
    if not PHONE_NUMBER.match(value):
        raise ValidationError("Please write the number with digits and spaces only, e.g. 116 123 or +44 20 7946 0000.")


class CrisisLineQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(is_shown=True).order_by("position", "pk")


class CrisisLine(models.Model):
    """A number to call or text for help now. England's lines by default; trustees elsewhere change them."""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        TEXT = "text", "Text"

    name = models.CharField(max_length=80, help_text="e.g. Samaritans")
    when_to_use = models.CharField(max_length=200, help_text="One short line, e.g. 'Free, any time, day or night.'")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.CALL)
    number = models.CharField(max_length=25, validators=[validate_phone_number])
    text_message = models.CharField(
        max_length=40, blank=True, help_text="For a text line: the word to send, e.g. SHOUT. Left empty for calls."
    )
    then = models.CharField(
        max_length=80, blank=True, help_text="What to do once through, e.g. 'choose option 2'. Optional."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lines are shown from the lowest number.")
    is_shown = models.BooleanField(default=True)

    objects = CrisisLineQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "crisis line"

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def href(self) -> str:
        """A tel: or sms: link (RFC 3966 / RFC 5724): the number without its spaces."""
        digits = self.number.replace(" ", "")
        if self.kind == self.Kind.TEXT:
            return f"sms:{digits}" + (f"?body={self.text_message}" if self.text_message else "")
        return f"tel:{digits}"

    @property
    def action_words(self) -> str:
        if self.kind == self.Kind.TEXT:
            return f"Text {self.text_message} to {self.number}" if self.text_message else f"Text {self.number}"
        return f"Call {self.number}"


# (field name, heading, a line of help): the Stanley-Brown sections, in the member's own words.
SAFETY_PLAN_SECTIONS = [
    ("warning_signs", "My warning signs", "Thoughts, feelings or situations that tell me a hard time may be coming."),
    ("things_i_can_do", "Things I can do on my own", "What helps me take my mind off things, without anyone else."),
    ("people_and_places", "People and places that take my mind off things", "Where I can go, who I can be with."),
    ("people_i_can_ask", "People I can ask for help", "Names and numbers of people I trust."),
    ("professionals", "Professionals and crisis lines", "My GP, care team, and the lines I can call or text any time."),
    ("safer_space", "Making my space safer", "What I can do to make where I am safer."),
    ("reasons", "My reasons for living", "What matters to me, and what I'm looking forward to."),
]


class SafetyPlan(models.Model):
    """A member's own safety plan: private unless they share it with a group's leaders, and only while they do."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_plan")
    warning_signs = EncryptedTextField(blank=True)
    things_i_can_do = EncryptedTextField(blank=True)
    people_and_places = EncryptedTextField(blank=True)
    people_i_can_ask = EncryptedTextField(blank=True)
    professionals = EncryptedTextField(blank=True)
    safer_space = EncryptedTextField(blank=True)
    reasons = EncryptedTextField(blank=True)
    shared_with = models.ManyToManyField(
        SupportGroup, blank=True, related_name="+", help_text="Groups whose leaders may read this plan."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "safety plan"

    def __str__(self) -> str:
        return f"safety plan #{self.pk}"

    def audit_label(self) -> str:
        return f"safety plan #{self.pk}"

    def sections(self) -> list[dict]:
        return [
            {"name": name, "title": title, "help": help_text, "text": getattr(self, name)}
            for name, title, help_text in SAFETY_PLAN_SECTIONS
        ]

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name, _, _ in SAFETY_PLAN_SECTIONS)


class AddOnlyError(Exception):
    pass


class DebriefQuerySet(models.QuerySet):
    def for_group(self, group):
        return self.filter(session__group=group)


class Debrief(models.Model):
    """A leader's short note after a session, for that group's leaders: written once, never edited or deleted.

    Trustees see that a debrief happened; its words only when it is linked to a safeguarding case, and
    each such read is audited. "What to carry forward" stays in the debrief (there is no follow-up list
    to move it to yet), and the next debrief form shows the last one's so nothing open is lost.
    """

    session = models.ForeignKey("group_sessions.GroupSession", on_delete=models.PROTECT, related_name="debriefs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    how_it_went = EncryptedTextField()
    carry_forward = EncryptedTextField(blank=True)
    how_we_are = EncryptedTextField(blank=True)
    concern = models.ForeignKey(
        "safeguarding.Concern",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="linked case",
        help_text="Linking a debrief to a case lets trustees read it (each read is audited).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DebriefQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "debrief"

    def __str__(self) -> str:
        return f"debrief #{self.pk}"

    def save(self, *args, **kwargs):
        # Add-only: the words never change once written; only the case link may be set later.
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not kwargs.get("force_insert") and set(update_fields or ()) != {"concern"}:
            raise AddOnlyError("A debrief cannot be changed once written; add another instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AddOnlyError("A debrief cannot be deleted.")

    def audit_label(self) -> str:
        return f"debrief #{self.pk}"


class NoLeaderAlert(models.Model):
    """One alert to a group's leaders that nobody has had the dashboard open since `absent_since`.

    The unique pair makes it sent once per absence, however many workers look at the same moment.
    """

    session = models.ForeignKey("group_sessions.GroupSession", on_delete=models.CASCADE, related_name="+")
    absent_since = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "absent_since"], name="one_no_leader_alert_per_absence")
        ]

    def __str__(self) -> str:
        return f"no-leader alert #{self.pk}"


class PresenceWatch(models.Model):
    """One row: how far the no-leader check can trust what it reads about who has a dashboard open.

    Dashboards hold their place through sockets on the channel layer (Redis); while it is down, or while
    the check itself cannot run, nobody's presence can be known. wellbeing/presence_watch.py keeps this row.
    """

    last_read_at = models.DateTimeField(null=True, blank=True, help_text="The last check that could read presence.")
    unreadable_since = models.DateTimeField(null=True, blank=True, help_text="Set while presence cannot be read.")
    readable_again_at = models.DateTimeField(
        null=True, blank=True, help_text="When presence could last be read again: absences are counted from here."
    )

    class Meta:
        verbose_name = "presence watch"

    def __str__(self) -> str:
        return "presence watch"


# England's lines: the data migration (0002) seeds these; shown as they are if trustees hide every line.
DEFAULT_CRISIS_LINES = [
    {
        "name": "Emergency: 999",
        "when_to_use": "If your life or someone else's is in danger right now.",
        "kind": "call",
        "number": "999",
    },
    {
        "name": "NHS 111, mental health option",
        "when_to_use": "Urgent mental-health help, any age, 24 hours a day.",
        "kind": "call",
        "number": "111",
        "then": "choose option 2",
    },
    {
        "name": "Samaritans",
        "when_to_use": "Someone to talk to, free, any time, day or night.",
        "kind": "call",
        "number": "116 123",
    },
    {
        "name": "Shout",
        "when_to_use": "If you'd rather text: free, confidential, 24 hours a day.",
        "kind": "text",
        "number": "85258",
        "text_message": "SHOUT",
    },
]


def default_crisis_lines() -> list[CrisisLine]:
    return [CrisisLine(position=10 * (i + 1), **line) for i, line in enumerate(DEFAULT_CRISIS_LINES)]


# The monthly check-in's models live with its code (wellbeing/checkin/); imported here so Django registers them.
from wellbeing.checkin.models import CheckInAnswer, CheckInOptOut, GroupCheckIn  # noqa: E402, F401
