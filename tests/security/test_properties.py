"""Property-based tests (hypothesis): the room's frame parser and the forms hold for any input at all.

The parser (sessions/room/protocol.py) is what every websocket frame and every room form post goes
through. Whatever arrives, it either returns a Command that satisfies the message type's contract or
raises ProtocolError with a known code; it never raises anything else. The forms never crash on any
posted data, and whatever they accept satisfies their rules.
"""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sessions.room.protocol import LEADER_ONLY, TYPES, ProtocolError, TokenBucket, check_frame, refuse_wrong_role
from sessions.room.protocol import parse as parse_frame

CODES = {"invalid_json", "unknown_type", "forbidden", "invalid_field", "too_long", "frame_too_large"}
FIELD_NAMES = sorted({name for spec in TYPES.values() for name in spec.fields} | {"type", "extra"})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
# Objects that look like room messages: a known or unknown type, known field names, any values.
message_like = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | st.text(max_size=10),
    json_values | st.sampled_from(sorted(TYPES)) | st.text(min_size=0, max_size=3000),
    max_size=6,
)
# Texts around the length limit, padded with spaces that parse() strips before counting.
near_the_limit = st.builds(lambda n, pad: " " * pad + "x" * n + " " * pad, st.integers(1990, 2010), st.integers(0, 3))
typed_messages = st.builds(
    lambda type_, fields: {**fields, "type": type_},
    st.sampled_from(sorted(TYPES)),
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values | st.text(max_size=100) | near_the_limit, max_size=5),
)
fast = hypothesis_settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def parse(data, *, is_leader: bool, from_form: bool = False):
    """What a frame goes through before it is carried out: parsing, then the role check (dispatch.perform)."""
    command = parse_frame(data, from_form=from_form)
    refuse_wrong_role(command.type, is_leader=is_leader)
    return command


def check_command(command, data, *, is_leader: bool) -> None:
    """What a successful parse promises."""
    spec = TYPES[command.type]
    assert command.type == data["type"]
    assert not (spec.leader_only and not is_leader)
    assert not (spec.member_only and is_leader)
    assert set(command.fields) <= set(spec.fields)  # nothing unknown gets through
    for name, field in spec.fields.items():
        if field.required:
            assert name in command.fields
        if name not in command.fields:
            continue
        value = command.fields[name]
        assert type(value) is field.kind  # not a bool where an int is wanted, not a number as text
        if field.kind is str:
            assert value == value.strip() and value
            assert len(value) <= settings.ROOM_MAX_TEXT_LENGTH
        if field.choices:
            assert value in field.choices


@fast
@given(data=st.one_of(json_values, message_like, typed_messages), is_leader=st.booleans())
@example(data={"type": "lower_hand", "user": True}, is_leader=False)
@example(data={"type": "chat", "text": " " * 5}, is_leader=False)
@example(data={"type": "remove", "user": 1, "reason": "x"}, is_leader=False)
def test_parsing_any_json_gives_a_valid_command_or_a_known_error(data, is_leader):
    try:
        command = parse(data, is_leader=is_leader)
    except ProtocolError as exc:
        assert exc.code in CODES
        assert exc.message
        return
    check_command(command, data, is_leader=is_leader)


@fast
@given(data=typed_messages.filter(lambda d: d["type"] in LEADER_ONLY))
def test_a_member_never_gets_a_leader_only_command(data):
    try:
        command = parse_frame(data)
    except ProtocolError:
        return  # malformed: refused before anyone's role is asked
    with pytest.raises(ProtocolError) as refused:
        refuse_wrong_role(command.type, is_leader=False)
    assert refused.value.code in {"forbidden"}


@fast
@given(
    fields=st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=100) | near_the_limit, max_size=5),
    type_=st.sampled_from(sorted(TYPES)),
    is_leader=st.booleans(),
)
def test_form_posts_parse_to_the_same_contract(fields, type_, is_leader):
    """The no-JavaScript fallback posts strings for every field; the contract is the same."""
    data = {**fields, "type": type_}
    try:
        command = parse(data, is_leader=is_leader, from_form=True)
    except ProtocolError as exc:
        assert exc.code in CODES
        return
    check_command(command, data, is_leader=is_leader)


@fast
@given(text=st.text(max_size=20_000) | st.binary(max_size=100).map(lambda b: b.decode("latin-1")))
def test_the_frame_size_check_counts_bytes_not_characters(text):
    limit = settings.ROOM_MAX_FRAME_BYTES
    try:
        check_frame(text)
    except ProtocolError as exc:
        assert exc.code == "frame_too_large"
        assert len(text.encode("utf-8", "surrogatepass")) > limit
    else:
        assert len(text.encode("utf-8", "surrogatepass")) <= limit


@fast
@given(frame=st.text(max_size=300))
def test_any_text_frame_decodes_or_is_refused_as_invalid_json(frame):
    """What the consumer does with a frame before parse(): json.loads either works or is invalid_json."""
    try:
        data = json.loads(frame)
    except ValueError:
        return
    try:
        parse(data, is_leader=False)
    except ProtocolError as exc:
        assert exc.code in CODES


@fast
@given(
    capacity=st.integers(min_value=1, max_value=50),
    per_seconds=st.floats(min_value=0.1, max_value=10),
    gaps=st.lists(st.floats(min_value=0, max_value=2), min_size=1, max_size=300),
)
def test_the_rate_limit_never_allows_more_than_its_capacity_plus_the_refill(capacity, per_seconds, gaps):
    now = [0.0]
    bucket = TokenBucket(capacity, per_seconds, clock=lambda: now[0])
    allowed = 0
    for gap in gaps:
        now[0] += gap
        allowed += bucket.take()
    assert allowed <= capacity + now[0] * capacity / per_seconds + 1e-9


# --- forms ------------------------------------------------------------------------------------------

text_values = st.text(max_size=3000) | st.sampled_from(
    ["", " ", "\x00", "https://meet.example.org/x", "2030-01-01T10:00"]
)
form_data = st.dictionaries(st.text(max_size=20), text_values, max_size=8)


def forms_under_test():
    from groups.forms import DeclineForm, InvitationForm, JoinRequestForm
    from members.forms import SignupDetailsForm
    from safeguarding.forms import ContactDetailsForm, RemovalForm, RevealForm
    from sessions.forms import CameraOffForm, CancelForm, MeetingLinkForm, SessionForm

    return [
        JoinRequestForm,
        DeclineForm,
        InvitationForm,
        SignupDetailsForm,
        ContactDetailsForm,
        RevealForm,
        RemovalForm,
        MeetingLinkForm,
        CancelForm,
        CameraOffForm,
        SessionForm,
    ]


def field_names(form_class) -> list[str]:
    return list(form_class.base_fields)


@pytest.mark.parametrize("form_class", forms_under_test(), ids=lambda f: f.__name__)
def test_no_form_crashes_on_any_post_and_what_it_accepts_fits_its_fields(form_class):
    names = field_names(form_class)

    @fast
    @given(
        data=st.dictionaries(st.sampled_from(names), text_values, max_size=len(names)) | form_data,
    )
    def check(data):
        form = form_class(data=data)
        if not form.is_valid():
            assert form.errors
            return
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            max_length = getattr(field, "max_length", None)
            if isinstance(value, str) and max_length:
                assert len(value) <= max_length
            if isinstance(value, str):
                assert "\x00" not in value  # Django refuses null characters in text

    check()


@fast
@given(
    link=st.text(max_size=200)
    | st.from_regex(r"(?i)(javascript|data|http|ftp|https):[/\\]{0,3}\S{0,40}", fullmatch=True)
)
def test_a_meeting_link_is_only_ever_accepted_as_https(link):
    from sessions.forms import MeetingLinkForm

    form = MeetingLinkForm(data={"meeting_link": link})
    if form.is_valid() and form.cleaned_data["meeting_link"]:
        assert form.cleaned_data["meeting_link"].startswith("https://")


@fast
@given(
    offset_minutes=st.integers(min_value=-60 * 24 * 400, max_value=60 * 24 * 400),
    kind=st.sampled_from(["temporary", "permanent"]),
)
def test_a_temporary_removal_is_only_accepted_with_an_end_in_the_future(offset_minutes, kind):
    from safeguarding.forms import RemovalForm

    until = timezone.localtime(timezone.now() + timedelta(minutes=offset_minutes))
    form = RemovalForm(data={"kind": kind, "until": until.strftime("%Y-%m-%dT%H:%M"), "reasons": ["other"]})
    if form.is_valid():
        if kind == "temporary":
            assert form.cleaned_data["until"] > timezone.now()
        else:
            assert form.cleaned_data["until"] is None


@fast
@given(offset_minutes=st.integers(min_value=-60 * 24 * 30, max_value=60 * 24 * 30), minutes=st.integers(-10, 1000))
def test_a_session_is_only_accepted_in_the_future_with_a_sane_length(offset_minutes, minutes):
    from sessions.forms import SessionForm

    starts = timezone.localtime(timezone.now() + timedelta(minutes=offset_minutes))
    form = SessionForm(
        data={"topic": "Rest", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": str(minutes)}
    )
    if form.is_valid():
        assert form.cleaned_data["starts_at"] > timezone.now()
        assert 15 <= form.cleaned_data["duration_minutes"] <= 480
        assert form.ends_at > form.cleaned_data["starts_at"]
