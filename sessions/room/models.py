"""The live room's shared state: who is in the room and the leaders' alert inbox.

Models of the `sessions` app (label `group_sessions`, the same tables): sessions/models.py imports them
by name, so Django registers them whenever the app's models load.

Every ASGI process serving a room reads and writes these rows, so a room survives a second process
and a Redis outage. No free text is ever stored here: chat, private messages, trigger notes and
check-in notes are relayed live only. An alert row says *that* something happened, never *what* was said.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safeguarding.models import Removal
from sessions.room.protocol import CheckIn as CheckInChoices

# A socket that has not been heard from for this long is treated as gone (its process may have died).
CONNECTION_STALE_AFTER = timedelta(seconds=75)


def removed_from_session():
    """For a RoomParticipant query: is a removal from this session in force for this person? Asked of
    safeguarding's `Removal`, the one record of it, inside the same query (an EXISTS per row, no extra query)."""
    return Exists(Removal.objects.active_for(OuterRef("session_id"), OuterRef("user_id")))


class RoomParticipantQuerySet(models.QuerySet):
    def in_room(self):
        """Present or stepped out: joined and neither left nor removed."""
        return self.filter(left_at__isnull=True, removed_from_session=False)


class RoomParticipantManager(models.Manager.from_queryset(RoomParticipantQuerySet)):
    """Every participant read through `objects` (and `session.participants`) knows whether they are removed."""

    def get_queryset(self):
        return super().get_queryset().annotate(removed_from_session=removed_from_session())


class RoomParticipant(models.Model):
    """One person's place in one session's room (leaders too). Created the first time they come in."""

    session = models.ForeignKey("group_sessions.GroupSession", on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_places")
    is_leader = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now, help_text="When they last came into the room.")
    left_at = models.DateTimeField(null=True, blank=True)
    stepped_out_at = models.DateTimeField(null=True, blank=True)
    passing_since = models.DateTimeField(
        null=True, blank=True, help_text="They said they would rather not talk today. Never counted or ranked."
    )
    # The waiting room: a leader let them into the video call (only then is a call credential minted).
    admitted_at = models.DateTimeField(null=True, blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_when_ended = models.BooleanField(
        default=False, help_text="Still in the room when a leader ended the session: offered the leaving check-in."
    )
    stepped_out_at_end = models.BooleanField(default=False, help_text="Stepped out and not back when it ended.")

    objects = RoomParticipantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_room_place_per_user_per_session")]

    def __str__(self) -> str:
        return f"{self.user} in session {self.session_id}"

    @property
    def is_removed(self) -> bool:
        """Removed from this session (safeguarding's Removal says so; "removed" is recorded nowhere else).
        Read with the row by `objects`; a participant made in this process asks once."""
        if "removed_from_session" not in self.__dict__:
            self.removed_from_session = Removal.objects.active_for(self.session_id, self.user_id).exists()
        return self.removed_from_session

    @property
    def status(self) -> str:
        if self.is_removed:
            return "removed"
        if self.left_at:
            return "left"
        if self.stepped_out_at:
            return "stepped_out"
        return "present"


class RoomConnectionQuerySet(models.QuerySet):
    def live(self):
        return self.filter(seen_at__gte=timezone.now() - CONNECTION_STALE_AFTER)


class RoomConnection(models.Model):
    """One open websocket (a tab), in whichever process holds it. Deleted when the socket closes.

    Heartbeats keep `seen_at` fresh, so rows left behind by a crashed process stop counting.
    """

    participant = models.ForeignKey(RoomParticipant, on_delete=models.CASCADE, related_name="connections")
    channel_name = models.CharField(max_length=200, unique=True)
    opened_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    objects = RoomConnectionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"connection of {self.participant}"


class RoomAlertQuerySet(models.QuerySet):
    def raised_hands(self):
        """Hands still up, in the order they went up."""
        return self.filter(kind=RoomAlert.Kind.HAND, lowered_at__isnull=True).order_by("created_at", "id")

    def open(self):
        return self.filter(lowered_at__isnull=True)


class RoomAlert(models.Model):
    """One item in the leaders' shared inbox. Holds the kind and metadata only, never what anyone wrote."""

    class Kind(models.TextChoices):
        HAND = "hand", "Raised hand"
        MESSAGE = "message", "Private message"
        TRIGGERED = "triggered", "Found something triggering"
        CHECK_IN = "check_in", "Leaving check-in"
        LEFT = "left", "Left without a check-in"
        HELD_CHAT = "held_chat", "Chat message held back"
        WELFARE = "welfare", "Stepped out for a while"

    CheckIn = CheckInChoices  # the one definition is the protocol's (sessions/room/protocol.py)

    session = models.ForeignKey("group_sessions.GroupSession", on_delete=models.CASCADE, related_name="room_alerts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_alerts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    check_in = models.CharField(max_length=10, choices=CheckIn.choices, blank=True)
    had_note = models.BooleanField(default=False, help_text="A note was relayed live to the leaders (not stored).")
    matched_word = models.CharField(
        max_length=100, blank=True, help_text="For held-back chat: the word-list entry that matched (not the message)."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lowered_at = models.DateTimeField(null=True, blank=True, help_text="Hand lowered, or no longer current.")
    lowered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concern_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = RoomAlertQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "kind", "lowered_at"])]
        constraints = [
            # One raised hand per person at a time, however many tabs or processes race to raise it.
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(kind="hand", lowered_at__isnull=True),
                name="one_raised_hand_per_user_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.user} in session {self.session_id}"


def new_private_room_name() -> str:
    """An unguessable name for one private word's call room: random, never derived from ids or names."""
    return "pw-" + secrets.token_urlsafe(24)


class PrivateWordQuerySet(models.QuerySet):
    def current(self):
        """Invited or under way: not yet ended."""
        return self.filter(ended_at__isnull=True)


class PrivateWord(models.Model):
    """A leader's "word in private" with one member: a second, two-person call (sessions/room/private_word.py).

    Holds who and when only: nothing said in it is ever stored (the engine relays it; nothing records it).
    """

    class Ending(models.TextChoices):
        DECLINED = "declined", "Not now"
        ENDED = "ended", "Ended by one of them"
        REMOVED = "removed", "The member was removed from the session"
        LEFT = "left", "One of them left the room"
        SESSION_ENDED = "session_ended", "The session ended"

    session = models.ForeignKey("group_sessions.GroupSession", on_delete=models.CASCADE, related_name="private_words")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.CharField(max_length=64, unique=True, default=new_private_room_name, editable=False)
    invited_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ending = models.CharField(max_length=16, choices=Ending.choices, blank=True)

    objects = PrivateWordQuerySet.as_manager()

    class Meta:
        constraints = [
            # One private word at a time for each member and for each leader, however many tabs race.
            models.UniqueConstraint(
                fields=["session", "member"], condition=Q(ended_at__isnull=True), name="one_private_word_per_member"
            ),
            models.UniqueConstraint(
                fields=["session", "leader"], condition=Q(ended_at__isnull=True), name="one_private_word_per_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"private word in session {self.session_id}"

    def audit_label(self) -> str:
        return f"private word #{self.pk} in session {self.session_id}"

    @property
    def state(self) -> str:
        if self.ended_at:
            return "ended"
        return "started" if self.started_at else "invited"
