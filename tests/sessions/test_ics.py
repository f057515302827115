"""The hand-built ICS: CRLF line ends, escaping, folding, UTC times, topic and time only."""

from datetime import UTC, datetime

from sessions.ics import build_calendar, escape_text, fold
from sessions.models import GroupSession


def make_session(**overrides) -> GroupSession:
    values = {
        "pk": 7,
        "topic": "Hope, rest; and \\ more\nsecond line",
        "starts_at": datetime(2031, 7, 1, 18, 0, tzinfo=UTC),
        "ends_at": datetime(2031, 7, 1, 19, 30, tzinfo=UTC),
        "status": GroupSession.Status.SCHEDULED,
        "meeting_link": "https://meet.example.org/secret",
    }
    values.update(overrides)
    return GroupSession(**values)


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_every_line_ends_in_crlf_and_the_calendar_is_well_formed():
    body = build_calendar([make_session()], now=datetime(2031, 6, 1, tzinfo=UTC))
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.count("BEGIN:VEVENT") == body.count("END:VEVENT") == 1


def test_event_has_utc_times_topic_and_a_stable_uid():
    body = build_calendar([make_session()], now=datetime(2031, 6, 1, tzinfo=UTC))
    assert "DTSTART:20310701T180000Z\r\n" in body
    assert "DTEND:20310701T193000Z\r\n" in body
    assert "DTSTAMP:20310601T000000Z\r\n" in body
    assert "SUMMARY:Hope\\, rest\\; and \\\\ more\\nsecond line\r\n" in body
    assert "UID:session-7@" in body


def test_the_calendar_holds_no_link_and_no_url_of_any_kind():
    body = build_calendar([make_session()])
    assert "meet.example.org" not in body
    assert "http" not in body
    assert "URL" not in body


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part.removeprefix(" ") if i else part for i, part in enumerate(parts)) == line


def test_short_lines_are_not_folded():
    assert fold("SUMMARY:short") == "SUMMARY:short"
