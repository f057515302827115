"""The room's message vocabulary: what each inbound message type carries, and who may send it.

The websocket consumer and the plain-form fallback views validate through `parse()`, so a message
means the same thing however it arrives. Anything malformed raises ProtocolError with a code the
browser understands; the socket stays open.
"""

from dataclasses import dataclass, field

from django.conf import settings


class ProtocolError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Field:
    kind: type  # str, int or bool
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageType:
    leader_only: bool = False
    member_only: bool = False
    fields: dict[str, Field] = field(default_factory=dict)


CHECK_IN_CHOICES = ("ok", "contact", "note")

TYPES: dict[str, MessageType] = {
    "ping": MessageType(),
    "chat": MessageType(fields={"text": Field(str)}),
    # Members
    "raise_hand": MessageType(member_only=True),
    "lower_hand": MessageType(fields={"user": Field(int, required=False)}),
    "message": MessageType(member_only=True, fields={"text": Field(str)}),
    "step_out": MessageType(member_only=True),
    "back": MessageType(member_only=True),
    "triggered": MessageType(member_only=True, fields={"note": Field(str, required=False)}),
    "pass": MessageType(member_only=True),
    "leave": MessageType(
        member_only=True,
        fields={"choice": Field(str, choices=CHECK_IN_CHOICES), "note": Field(str, required=False)},
    ),
    # Leaders
    "acknowledge": MessageType(leader_only=True, fields={"alert": Field(int)}),
    "lower_all_hands": MessageType(leader_only=True),
    "reply": MessageType(leader_only=True, fields={"to": Field(int), "text": Field(str)}),
    "backchannel": MessageType(leader_only=True, fields={"text": Field(str)}),
    "remove": MessageType(
        leader_only=True, fields={"user": Field(int), "reason": Field(str), "note": Field(str, required=False)}
    ),
    "end_session": MessageType(leader_only=True),
    "chat_toggle": MessageType(leader_only=True, fields={"enabled": Field(bool)}),
    # The video call (sessions/call.py): let people in from the waiting room, mute a microphone.
    "admit": MessageType(leader_only=True, fields={"user": Field(int)}),
    "admit_all": MessageType(leader_only=True),
    "mute": MessageType(leader_only=True, fields={"user": Field(int)}),
    "make_concern": MessageType(
        leader_only=True,
        fields={"alert": Field(int), "text": Field(str), "category": Field(str), "risk_level": Field(str)},
    ),
}

LEADER_ONLY = frozenset(name for name, spec in TYPES.items() if spec.leader_only)


@dataclass(frozen=True)
class Command:
    type: str
    fields: dict


def check_frame(text: str | None) -> None:
    """Refuse an oversized frame before spending any time parsing it."""
    limit = settings.ROOM_MAX_FRAME_BYTES
    if text is None:
        return
    # Characters first (cheap); only a frame that could be over the limit in UTF-8 gets encoded.
    if len(text) > limit or (len(text) * 4 > limit and len(text.encode()) > limit):
        raise ProtocolError("frame_too_large", "That was too large to send. Please send something shorter.")


def _coerce(name: str, spec: Field, value, *, from_form: bool):
    if from_form and spec.kind is int:
        try:
            return int(str(value).strip())
        except ValueError:
            raise ProtocolError("invalid_field", f"'{name}' must be a whole number.") from None
    if from_form and spec.kind is bool:
        return str(value).strip().lower() in {"1", "true", "on", "yes"}
    # JSON: bool is a subclass of int, so refuse it where a number is wanted.
    if spec.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ProtocolError("invalid_field", f"'{name}' must be a whole number.")
    if not isinstance(value, spec.kind):
        raise ProtocolError("invalid_field", f"'{name}' must be {spec.kind.__name__}.")
    return value


def parse(data, *, is_leader: bool, from_form: bool = False) -> Command:
    """Validate one inbound message (a decoded JSON object or a form's fields) into a Command."""
    if not isinstance(data, dict):
        raise ProtocolError("invalid_json", "Messages must be JSON objects with a 'type'.")
    type_ = data.get("type")
    if not isinstance(type_, str) or type_ not in TYPES:
        raise ProtocolError("unknown_type", "That is not something the room understands.")
    spec = TYPES[type_]
    if spec.leader_only and not is_leader:
        raise ProtocolError("forbidden", "Only the session's leaders can do that.")
    if spec.member_only and is_leader:
        raise ProtocolError("forbidden", "That button is for members of the group.")
    fields = {}
    for name, field_spec in spec.fields.items():
        value = data.get(name)
        if value is None or (from_form and value == "" and field_spec.kind is not str):
            if field_spec.required:
                raise ProtocolError("invalid_field", f"'{name}' is missing.")
            continue
        value = _coerce(name, field_spec, value, from_form=from_form)
        if field_spec.kind is str:
            value = value.strip()
            if len(value) > settings.ROOM_MAX_TEXT_LENGTH:
                raise ProtocolError(
                    "too_long", f"That is longer than {settings.ROOM_MAX_TEXT_LENGTH} characters. Please shorten it."
                )
            if not value:
                if field_spec.required:
                    raise ProtocolError("invalid_field", f"'{name}' cannot be empty.")
                continue
            if field_spec.choices and value not in field_spec.choices:
                raise ProtocolError("invalid_field", f"'{name}' must be one of: {', '.join(field_spec.choices)}.")
        fields[name] = value
    return Command(type=type_, fields=fields)


class TokenBucket:
    """Per-socket rate limit: `capacity` events, refilled evenly over `per_seconds`. Lives with one connection only."""

    def __init__(self, capacity: int, per_seconds: float, clock):
        self.capacity = capacity
        self.rate = capacity / per_seconds
        self.tokens = float(capacity)
        self.clock = clock
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
