"""The order leaders see people in is defined once, on the server: each person's `attention` key, which the
page's first paint and dashboard.js both sort by (the script compares keys and knows no rule of its own)."""

import re
from datetime import timedelta
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from sessions.models import RoomParticipant
from sessions.room.snapshot import snapshot
from tests.fixtures.factories import removed_from_session

DASHBOARD_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "dashboard.js"


def _people(cast, open_session, membership_factory, user_factory):
    now = timezone.now()
    threshold = cast.group.welfare_threshold_minutes
    people = {
        "bo (just stepped out)": {"stepped_out_at": now - timedelta(minutes=1)},
        "Di (left)": {"left_at": now - timedelta(minutes=3)},
        "Cy (here)": {},
        "Ada (out too long)": {"stepped_out_at": now - timedelta(minutes=threshold + 5)},
        "Al (removed)": {"left_at": now},  # and removed: the Removal below
        "ab (here)": {},
    }
    for name, times in people.items():
        user = membership_factory(cast.group, user_factory(display_name=name)).user
        RoomParticipant.objects.create(session=open_session, user=user, **times)
        if name == "Al (removed)":
            removed_from_session(open_session, user)
    RoomParticipant.objects.create(session=open_session, user=cast.co_leader, is_leader=True)


EXPECTED = [
    "Ada (out too long)",  # out longest first
    "bo (just stepped out)",
    "ab (here)",  # members in the room, by name whatever its case
    "Cy (here)",
    "Co Leader",  # then leaders
    "Di (left)",
    "Al (removed)",
]


def test_the_snapshot_gives_each_person_a_key_that_sorts_whoever_needs_attention_first(
    cast, open_session, membership_factory, user_factory
):
    _people(cast, open_session, membership_factory, user_factory)
    participants = snapshot(open_session)["participants"]
    assert [p["name"] for p in sorted(participants, key=lambda p: p["attention"])] == EXPECTED
    # Plain numbers and strings, so the script's element-by-element comparison gives the same order.
    for person in participants:
        assert all(isinstance(part, int | str) and not isinstance(part, bool) for part in person["attention"])


def test_the_first_paint_is_in_the_keys_order(auth_client, cast, open_session, membership_factory, user_factory):
    _people(cast, open_session, membership_factory, user_factory)
    RoomParticipant.objects.create(session=open_session, user=cast.leader, is_leader=True)
    page = auth_client(cast.leader).get(reverse("sessions:dashboard", args=[open_session.pk])).content.decode()
    roster = page.split('id="roster"', 1)[1].split('id="roster-empty"', 1)[0]
    names = re.findall(r'<strong data-field="name">([^<]+)</strong>', roster)
    assert names == [*EXPECTED[:5], "Leader Lee", *EXPECTED[5:]]


def test_the_dashboard_script_has_no_ordering_rule_of_its_own():
    script = DASHBOARD_JS.read_text()
    assert ".attention" in script
    # The rule's ingredients stay on the server: no status rank, no threshold, no name or time comparison.
    for rule in ("attentionRank", "welfare_threshold_minutes >=", "localeCompare", "stepped_out_at.localeCompare"):
        assert rule not in script, rule
