"""The room's message vocabulary, both directions, and the leaving check-in's choices.

Browser to server (`TYPES`): what each message type carries and who may send it. The websocket consumer and
the plain-form fallback views validate through `parse()`, so a message means the same thing however it
arrives. Anything malformed raises ProtocolError with a code the browser understands; the socket stays open.

Server to browser (`TO_BROWSER`): every message the room sends to a page, with its fields and who receives
it. Each is built by `to_browser()` (or `done()`/`error()`), which refuses a field the schema does not list,
so the catalogue cannot drift from what is sent. The room and dashboard pages get the type names of both
directions (`catalogue()`, rendered with json_script) and static/js/socket.js reads them from there;
tests/room/test_protocol_schema.py checks the scripts handle exactly these types, and docs/architecture.md
("The room") lists them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models


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


class CheckIn(models.TextChoices):
    """The leaving check-in: the value travels in `leave` (and the form after the end), the label is what
    the leaders see (RoomAlert.check_in). Defined here only; models, views, templates and scripts use it."""

    OK = "ok", "I'm OK, just need to go"
    CONTACT = "contact", "I'd like someone to contact me"
    NOTE = "note", "Something else (wrote a note)"


# The member's own words for each choice, on the room page.
CHECK_IN_WORDS = {
    CheckIn.OK: "I'm OK, just need to go",
    CheckIn.CONTACT: "I'd like someone to contact me",
    CheckIn.NOTE: "Something else: I'll write a few words",
}
# After the end nobody is in the room to read a note, and notes are never kept: so just these two.
AFTER_END_WORDS = {
    CheckIn.OK: "I'm OK",
    CheckIn.CONTACT: "I'd like someone to contact me",
}

# The dashboard's "Needs you now" line, in the order it says things: sessions/room/snapshot.py (`needs_you`,
# `urgent_summary`) writes it for the page, and dashboard.js gets these words in the catalogue to count the
# alerts' `needs_you` with them, so the words live here only.
SUMMARY = {
    "lead": "Needs you now: ",
    "none": "Nothing needs you right now.",
    "words": [
        ["hand", "hand up", "hands up"],
        ["triggered", "found something triggering", "found something triggering"],
        ["welfare", "out for a while", "out for a while"],
        ["contact", "asked to be contacted", "asked to be contacted"],
        ["message", "private message", "private messages"],
    ],
}

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
        fields={"choice": Field(str, choices=tuple(CheckIn.values)), "note": Field(str, required=False)},
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
    # A word in private (sessions/room/private_word.py): a leader asks, the member answers, either of them ends.
    "private_word_invite": MessageType(leader_only=True, fields={"user": Field(int)}),
    "private_word_accept": MessageType(member_only=True),
    "private_word_decline": MessageType(member_only=True),
    "private_word_end": MessageType(),
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


def refuse_wrong_role(type_: str, *, is_leader: bool) -> None:
    """The one role check of room commands: leaders' commands for leaders, members' buttons for members.

    Called by `dispatch.perform` only, with the role it has just read from the database (someone can become, or
    stop being, a leader mid-session), never with the role a socket had when it connected."""
    spec = TYPES[type_]
    if spec.leader_only and not is_leader:
        raise ProtocolError("forbidden", "Only the session's leaders can do that.")
    if spec.member_only and is_leader:
        raise ProtocolError("forbidden", "That button is for members of the group.")


def parse(data, *, from_form: bool = False) -> Command:
    """Validate one inbound message (a decoded JSON object or a form's fields) into a Command. Who may send it is
    checked later, against fresh data (`refuse_wrong_role`, from `dispatch.perform`)."""
    if not isinstance(data, dict):
        raise ProtocolError("invalid_json", "Messages must be JSON objects with a 'type'.")
    type_ = data.get("type")
    if not isinstance(type_, str) or type_ not in TYPES:
        raise ProtocolError("unknown_type", "That is not something the room understands.")
    spec = TYPES[type_]
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


# --- server to browser ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ToBrowser:
    """One kind of message a page receives: who gets it, its fields besides `type`, and those it may carry."""

    receives: str
    fields: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


# The member's own state, as `welcome` carries it (and `state` when it changes). snapshot.member_state builds it.
MEMBER_STATE = ("status", "hand_raised", "stepped_out", "passing", "chat_enabled")

TO_BROWSER: dict[str, ToBrowser] = {
    # Answers to whoever acted (over the socket, or as the JSON answer of the plain-HTTP fallback).
    "done": ToBrowser("the person who acted", ("action", "message"), optional=("state",)),
    "error": ToBrowser("the person who acted", ("code", "message")),
    "pong": ToBrowser("the socket that sent `ping` (a leader's also gets the whole room)", optional=("snapshot",)),
    # The member's page.
    "welcome": ToBrowser("a member, on (re)connecting and from room/state.json", ("session_id", *MEMBER_STATE)),
    "state": ToBrowser(
        "every tab of the member whose state changed",
        ("session_id", "hand_raised"),
        optional=("status", "stepped_out", "passing", "chat_enabled", "message"),
    ),
    "reply": ToBrowser("the member a leader replied to", ("session_id", "from", "text", "at")),
    "seen": ToBrowser("the member whose alert a leader acknowledged", ("session_id", "kind", "message")),
    "concern_recorded": ToBrowser("the member a concern was recorded about", ("session_id", "message")),
    "left": ToBrowser("the member's other tabs, after they left with a check-in", ("session_id",)),
    # Everyone in the room.
    "chat": ToBrowser("everyone in the room", ("from", "from_handle", "is_leader", "text", "at")),
    "chat_state": ToBrowser("everyone in the room", ("session_id", "enabled")),
    "session_ended": ToBrowser("every socket of the room, before it closes", ("message",)),
    "closed": ToBrowser("a socket whose person may no longer be in the room, before it closes", ("reason", "message")),
    # The leaders' dashboard.
    "snapshot": ToBrowser(
        "a leader, on (re)connecting, in each pong, and from dashboard/snapshot.json",
        ("session", "server_time", "participants", "summary", "to_arrive", "alerts", "camera_off"),
    ),
    "participant": ToBrowser("the session's leaders", ("participant",)),
    "alert": ToBrowser("the session's leaders", ("alert",), optional=("text",)),
    "reply_sent": ToBrowser("the session's leaders", ("to_id", "to", "from", "text", "at")),
    "backchannel": ToBrowser("the session's leaders", ("from_id", "from", "text", "at")),
    "notice": ToBrowser("the session's leaders", ("session_id", "message")),
    # The video call (sessions/call.py).
    "call_admitted": ToBrowser("the member a leader let in from the waiting room", ("session_id", "message")),
    "call_muted": ToBrowser("every tab of the person a leader muted", ("message",)),
    "call_problem": ToBrowser("the session's leaders", ("message",)),
    "call_problem_solved": ToBrowser("the session's leaders", ("message",)),
    # Jitsi: the call has no server API for us, so the leaders' embedded clients kick the person by name.
    "call_kick": ToBrowser("the session's leaders", ("name", "message")),
    # A word in private (sessions/room/private_word.py): the two people in it, and the session's leaders.
    "private_word_invited": ToBrowser(
        "every tab of the member a leader asked for a word in private", ("session_id", "word", "leader", "message")
    ),
    "private_word_started": ToBrowser(
        "every tab of the leader and the member in it", ("session_id", "word", "message")
    ),
    "private_word_ended": ToBrowser(
        "every tab of the leader and the member it was between", ("session_id", "word", "message")
    ),
    "private_word": ToBrowser("the session's leaders: who is with whom, never anything said", ("word",)),
}

_REQUIRED = {name: frozenset(spec.fields) for name, spec in TO_BROWSER.items()}
_ALLOWED = {name: frozenset(spec.fields + spec.optional) for name, spec in TO_BROWSER.items()}


def schema_mismatch(message: dict) -> str | None:
    """What is wrong with a server-to-browser message by the schema, or None if it fits exactly."""
    type_ = message.get("type")
    if type_ not in TO_BROWSER:
        return f"unknown type {type_!r}"
    keys = message.keys() - {"type"}
    if missing := _REQUIRED[type_] - keys:
        return f"{type_}: missing {sorted(missing)}"
    if extra := keys - _ALLOWED[type_]:
        return f"{type_}: not in the schema {sorted(extra)}"
    return None


def to_browser(type_: str, **fields) -> dict:
    """Build one server-to-browser message; a type or field the schema does not list is a bug (ValueError)."""
    message = {"type": type_, **fields}
    if problem := schema_mismatch(message):
        raise ValueError(f"room message outside the schema: {problem}")
    return message


def done(action: str, message: str, **extra) -> dict:
    """The answer to the person who acted: `message` is shown to them (and announced to screen readers)."""
    return to_browser("done", action=action, message=message, **extra)


def error(code: str, message: str) -> dict:
    return to_browser("error", code=code, message=message)


def catalogue() -> dict:
    """What the pages' scripts read (json_script "room-protocol"): both directions' type names, the check-in,
    the dashboard's summary words."""
    return {
        "to_server": sorted(TYPES),
        "to_browser": sorted(TO_BROWSER),
        "check_in": {choice.name.lower(): choice.value for choice in CheckIn},
        "summary": SUMMARY,
    }
