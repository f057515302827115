"""The room's protocol, both directions, has one schema each (sessions/room/protocol.py), and everything
else agrees with it: what the server sends, what the pages' scripts handle and send, and the catalogue in
docs/architecture.md."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from safeguarding.models import Removal
from sessions.room.protocol import TO_BROWSER, TYPES, schema_mismatch, to_browser
from tests.room.conftest import drain, joined, receive_until

ROOT = Path(__file__).resolve().parents[2]
# Sent by the video call's actions and tasks; their frames are read in tests/video (over the channel layer),
# and, like every message, they can only be made through to_browser, which checks them against the schema.
CALL_TYPES = {"call_admitted", "call_muted", "call_problem", "call_problem_solved", "call_kick"}
# A word in private's messages (sessions/room/private_word.py), read in tests/video/test_private_word.py.
CALL_TYPES |= {"private_word", "private_word_invited", "private_word_started", "private_word_ended"}


# --- the schema itself ------------------------------------------------------------------------------


def test_a_message_outside_the_schema_cannot_be_built():
    assert to_browser("notice", session_id=1, message="hello") == {
        "type": "notice",
        "session_id": 1,
        "message": "hello",
    }
    with pytest.raises(ValueError, match="unknown type"):
        to_browser("shout", message="hello")
    with pytest.raises(ValueError, match="missing"):
        to_browser("notice", message="no session")
    with pytest.raises(ValueError, match="not in the schema"):
        to_browser("notice", session_id=1, message="hello", text="a field no page knows")


def test_optional_fields_are_allowed_and_nothing_else():
    assert schema_mismatch({"type": "alert", "alert": {}}) is None
    assert schema_mismatch({"type": "alert", "alert": {}, "text": "relayed"}) is None
    assert schema_mismatch({"type": "alert", "alert": {}, "note": "x"}) == "alert: not in the schema ['note']"


def test_no_message_for_the_browser_is_written_as_a_dict_literal_outside_the_protocol():
    """Every place that sends to a page builds through the protocol: no `{"type": "word", ...}` elsewhere.
    Channel-layer envelopes ("room.event") have a dot; the call's credential is the video engine's answer."""
    literal = re.compile(r"""["']type["']\s*:\s*["']([a-z_]+)["']""")
    found = []
    for path in sorted((ROOT / "sessions").rglob("*.py")):
        if path.name == "protocol.py" or "migrations" in path.parts:
            continue
        for name in literal.findall(path.read_text()):
            if name != "call_credential":
                found.append((path.relative_to(ROOT).as_posix(), name))
    assert found == []


# --- what a whole session sends, frame by frame ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_every_frame_of_a_whole_session_fits_the_schema(
    socket_for, cast, open_session, membership_factory, user_factory, frames_fit_the_schema, settings
):
    """Drive the room through every action over real sockets; each frame read is checked against the schema
    (tests/room/conftest.py: frames_fit_the_schema), and together they are every type but the call's."""
    settings.ROOM_RATE_LIMIT_EVENTS = 100  # one socket sends a dozen actions here in well under a second
    second = await _member(membership_factory, user_factory, cast)
    leader = await joined(socket_for, cast.leader, open_session, expect="snapshot")
    member = await joined(socket_for, cast.member, open_session, expect="welcome")
    member_tab = await joined(socket_for, cast.member, open_session, expect="welcome")
    other = await joined(socket_for, second, open_session, expect="welcome")
    sockets = (leader, member, member_tab, other)
    await _settle(*sockets)

    await member.send_json_to({"type": "raise_hand"})
    alert_id = (await receive_until(leader, "alert"))["alert"]["id"]
    await leader.send_json_to({"type": "acknowledge", "alert": alert_id})
    await receive_until(member, "seen")
    await leader.send_json_to({"type": "ping"})
    assert "snapshot" in await receive_until(leader, "pong")
    await member.send_json_to({"type": "chat", "text": "hello all"})
    await receive_until(leader, "chat")
    await leader.send_json_to({"type": "chat_toggle", "enabled": False})
    await receive_until(member, "chat_state")
    await leader.send_json_to({"type": "reply", "to": cast.member.pk, "text": "thank you"})
    await receive_until(member, "reply")
    await receive_until(leader, "reply_sent")
    await leader.send_json_to({"type": "backchannel", "text": "all fine"})
    await receive_until(leader, "backchannel")
    await member.send_json_to({"type": "message", "text": "could we talk"})
    message_id = (await receive_until(leader, "alert"))["alert"]["id"]
    await leader.send_json_to(
        {"type": "make_concern", "alert": message_id, "text": "x", "category": "other", "risk_level": "low"}
    )
    await receive_until(member, "concern_recorded")
    await member.send_json_to({"type": "step_out"})
    await receive_until(leader, "participant")
    await member.send_json_to({"type": "shout"})
    await receive_until(member, "error")
    await _settle(*sockets)
    allowance = settings.ROOM_RATE_LIMIT_PER_MINUTE
    settings.ROOM_RATE_LIMIT_PER_MINUTE = 3  # the member has done more than this: the leaders hear it, once
    await member_tab.send_json_to({"type": "back"})
    assert (await receive_until(member_tab, "error"))["code"] == "rate_limited"
    await receive_until(leader, "notice")
    settings.ROOM_RATE_LIMIT_PER_MINUTE = allowance
    await _settle(*sockets)

    await member.send_json_to({"type": "leave", "choice": "ok"})
    await receive_until(member_tab, "left")
    await leader.send_json_to({"type": "remove", "user": second.pk, "reason": Removal.Reason.values[0]})
    await receive_until(other, "closed")
    await leader.send_json_to({"type": "end_session"})
    await receive_until(leader, "session_ended")

    seen = {frame["type"] for frame in frames_fit_the_schema}
    assert seen == set(TO_BROWSER) - CALL_TYPES
    for communicator in sockets:
        await communicator.disconnect()


async def _member(membership_factory, user_factory, cast):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(lambda: membership_factory(cast.group, user_factory()).user)()


async def _settle(*communicators):
    for communicator in communicators:
        await drain(communicator)


# --- the plain-HTTP answers are the same messages ----------------------------------------------------


@pytest.mark.django_db
def test_the_http_answers_fit_the_schema(auth_client, cast, open_session):
    member = auth_client(cast.member)  # one test client: signed in as the member, then as the leader
    member.get(reverse("sessions:room", args=[open_session.pk]))
    action = reverse("sessions:room_action", args=[open_session.pk])
    answers = [
        member.get(reverse("sessions:room_state", args=[open_session.pk])).json(),
        member.post(action, {"action": "step_out"}, HTTP_ACCEPT="application/json").json(),
        member.post(action, {"action": "shout"}, HTTP_ACCEPT="application/json").json(),
        auth_client(cast.leader).get(reverse("sessions:dashboard_snapshot", args=[open_session.pk])).json(),
    ]
    assert [answer["type"] for answer in answers] == ["welcome", "done", "error", "snapshot"]
    assert [schema_mismatch(answer) for answer in answers] == [None] * 4


# --- the pages' scripts read the same names ----------------------------------------------------------


def _js(name: str) -> str:
    return (ROOT / "static" / "js" / name).read_text()


def test_the_scripts_handle_exactly_the_types_the_server_sends():
    handled = set()
    for name in ("room.js", "dashboard.js", "call.js", "call-jitsi.js", "call-sound.js", "private-word.js"):
        source = _js(name)
        handled |= set(re.findall(r'case "([a-z_]+)":', source))
        handled |= set(re.findall(r'\b(?:data|answer|body)\.type [!=]== "([a-z_]+)"', source))
    assert handled == set(TO_BROWSER)


def test_the_scripts_send_exactly_the_types_the_server_reads():
    """The pages send their forms' `action` (static/js/socket.js: formMessage) and the heartbeat's `ping`."""
    sent = set(re.findall(r'send\(\{ type: "([a-z_]+)"', _js("socket.js")))
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        if "data-room-action" in html or "data-dash-action" in html:
            sent |= set(re.findall(r'name="action"[^>]*?value="([a-z_]+)"', html))
    assert sent == set(TYPES)


@pytest.mark.django_db
def test_the_scripts_take_the_names_from_the_page(auth_client, cast, open_session):
    """Both pages carry the catalogue (json_script), which socket.js reads to know which messages exist."""
    for user, url in ((cast.member, "sessions:room"), (cast.leader, "sessions:dashboard")):
        page = auth_client(user).get(reverse(url, args=[open_session.pk]))
        catalogue = page.context["room_protocol"]
        assert (catalogue["to_browser"], catalogue["to_server"]) == (sorted(TO_BROWSER), sorted(TYPES))
        assert 'id="room-protocol"' in page.content.decode()
    assert 'getElementById("room-protocol")' in _js("socket.js")
    # The dashboard's script reads the summary's words from the catalogue, and names no check-in value: what is
    # urgent (a "contact me" check-in among others) is the server's `needs_you` in each alert.
    assert "roomProtocol().summary" in _js("dashboard.js")
    assert not re.search(r"\.contact\b|[\"']contact[\"']", _js("dashboard.js"))


# --- the documentation lists them --------------------------------------------------------------------


def _catalogue_rows(heading: str) -> dict[str, str]:
    """The rows of one direction's table in docs/architecture.md ("The room"), by message type."""
    doc = (ROOT / "docs" / "architecture.md").read_text()
    section = doc.split("\n## The room\n", 1)[1].split("\n## ", 1)[0]
    table = section.split(f"\n### {heading}\n", 1)[1].split("\n### ", 1)[0]
    return {match[1]: match[0] for match in re.finditer(r"^\| `([a-z_]+)` \|.*$", table, flags=re.M)}


def test_the_architecture_doc_lists_every_message_the_server_sends_with_its_fields():
    rows = _catalogue_rows("Server to browser")
    assert set(rows) == set(TO_BROWSER)
    for type_, spec in TO_BROWSER.items():
        assert all(f"`{name}`" in rows[type_] for name in spec.fields + spec.optional), rows[type_]


def test_the_architecture_doc_lists_every_message_the_browser_sends_with_its_fields():
    rows = _catalogue_rows("Browser to server")
    assert set(rows) == set(TYPES)
    for type_, spec in TYPES.items():
        assert all(f"`{name}`" in rows[type_] for name in spec.fields), rows[type_]
