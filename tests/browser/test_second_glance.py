"""What a second look at the room and the dashboard found: states that fade text, disclosures without a
marker, a note over a button, and the room's clock. Real Chromium at a phone's width and a laptop's."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import britishtime
from sessions.models import RoomParticipant
from tests.browser.conftest import AXE_OPTIONS
from tests.fixtures.factories import removed_from_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def room(page, url, session):
    page.goto(f"{url}/sessions/{session.pk}/room/")
    expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
    return page


def contrast_problems(page) -> list[str]:
    """axe's colour-contrast rule only (4.5:1 for text), with every element as it is now drawn."""
    from axe_playwright_python.sync_playwright import Axe

    options = {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": ["color-contrast"]}}
    found = []
    for violation in Axe().run(page, options=options).response["violations"]:
        found += [
            f"{' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}" for node in violation["nodes"]
        ]
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_faded_and_alert_states_keep_text_at_4_5_to_1(
    scheme, site, context_for, live_asgi, membership_factory, user_factory
):
    session = site.open_session
    now = timezone.now()
    threshold = site.cast.group.welfare_threshold_minutes
    for name, times in {
        "Ada out too long": {"stepped_out_at": now - timedelta(minutes=threshold + 5)},
        "Di who left": {"left_at": now - timedelta(minutes=3)},
        "Ro removed": {"left_at": now - timedelta(minutes=2)},
    }.items():
        user = membership_factory(site.cast.group, user_factory(display_name=name)).user
        RoomParticipant.objects.create(session=session, user=user, **times)
        if name == "Ro removed":
            removed_from_session(session, user)
    member = room(context_for(site.cast.member, scheme=scheme).new_page(), live_asgi.url, session)
    dashboard = context_for(site.cast.leader, scheme=scheme).new_page()
    dashboard.goto(f"{live_asgi.url}/sessions/{session.pk}/dashboard/")
    expect(dashboard.locator("#connection")).to_have_text(re.compile("Live"))

    # States reached live, not only on first render: a new alert, a member who steps out, then leaves.
    member.get_by_role("button", name="Raise my hand").click()
    expect(dashboard.locator("#hands .alert-item.is-new")).to_have_count(1)
    expect(dashboard.locator('.person[data-status="left"]')).not_to_have_count(0)
    expect(dashboard.locator(".person.is-overdue")).not_to_have_count(0)

    problems = contrast_problems(dashboard)
    problems += [f"room: {p}" for p in contrast_problems(member)]
    assert not problems, f"text under 4.5:1 ({scheme}):\n" + "\n".join(problems)
    # A faded row is faded by its frame, never by the opacity of its text.
    opacities = dashboard.locator('.person[data-status="left"]').evaluate_all(
        "rows => rows.map(row => getComputedStyle(row).opacity)"
    )
    assert set(opacities) == {"1"}


def test_every_disclosure_shows_its_marker(site, context_for, live_asgi):
    session = site.open_session
    room(context_for(site.cast.member).new_page(), live_asgi.url, session)  # someone to reply to
    pages = {
        "room": (site.cast.member, f"/sessions/{session.pk}/room/"),
        "dashboard": (site.cast.leader, f"/sessions/{session.pk}/dashboard/"),
    }
    problems = []
    for where, (user, path) in pages.items():
        page = context_for(user).new_page()
        page.goto(f"{live_asgi.url}{path}")
        page.wait_for_load_state("load")
        page.locator("main summary").first.wait_for()
        # The browser's open/closed triangle is the ::marker of a summary that is a list item.
        for text, display in page.locator("main summary").evaluate_all(
            "els => els.filter(el => el.offsetParent).map(el => [el.textContent.trim(), getComputedStyle(el).display])"
        ):
            if display != "list-item":
                problems.append(f"{where}: “{text}” is display: {display}, which hides its marker")
    assert not problems, "\n".join(problems)


# Every control whose middle is on screen must be what is under its middle: nothing floats over it.
COVERED = """() => {
  const controls = [...document.querySelectorAll(
    "main button, main a, main input:not([type=hidden]), main textarea, main summary")];
  return controls.filter(el => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return false;
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
    const top = document.elementFromPoint(x, y);
    return top && !el.contains(top) && !top.contains(el);
  }).map(el => (el.textContent || el.name || el.id).trim());
}"""

# The notes a person sees: the ones that replace a button and the one under a form.
VISIBLE_NOTES = """() => [...document.querySelectorAll(".room-state-note, #announce")]
  .filter(el => !el.hidden && el.offsetParent).map(el => el.textContent.trim())"""

ACTIONS = [  # (button, text to type first: (label, words))
    ("Raise my hand", None),
    ("Lower my hand", None),
    ("I'm stepping out", None),
    ("I'm back", None),
    ("Pass: I'd rather not talk today", None),
    ("I found that triggering", ("What was it about?", "The story about the hospital.")),
    ("Send to the leaders", ("Your message", "Could we talk after?")),
]


def test_after_each_room_action_one_note_shows_and_none_covers_a_control(site, context_for, live_asgi):
    page = room(context_for(site.cast.member, width=320).new_page(), live_asgi.url, site.open_session)
    page.set_viewport_size({"width": 320, "height": 568})
    problems = []
    for button, typing in ACTIONS:
        before_notes = page.evaluate(VISIBLE_NOTES)
        said = page.locator("#sr-status").text_content()
        if typing:
            page.get_by_label(typing[0]).fill(typing[1])
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator("#sr-status")).not_to_have_text(said or "")
        page.wait_for_timeout(150)  # let the page settle after the answer
        if covered := page.evaluate(COVERED):
            problems.append(f"after “{button}”: covered on screen: {covered}")
        new_notes = [note for note in page.evaluate(VISIBLE_NOTES) if note not in before_notes]
        if len(new_notes) != 1:
            problems.append(f"after “{button}”: {len(new_notes)} new notes shown, not one: {new_notes}")
        # Said once: one live region holds the answer.
        answer = page.locator("#sr-status").text_content()
        regions = page.locator("[role=status], [role=alert], [aria-live]").filter(has_text=answer)
        if regions.count() != 1:
            problems.append(f"after “{button}”: said by {regions.count()} live regions")
    assert not problems, "\n".join(problems)


def test_the_rooms_script_writes_time_as_the_server_does(site, context_for, live_asgi):
    page = room(context_for(site.cast.member).new_page(), live_asgi.url, site.open_session)
    moments = [datetime(2026, 12, 1, h, m, tzinfo=UTC) for h, m in [(19, 0), (19, 30), (12, 0), (0, 0), (9, 5)]]
    written = page.evaluate(
        """async (isos) => {
          const { timeFormatter, formatTime, machineTime } = await import("/static/js/socket.js");
          const format = timeFormatter("Europe/London");
          return isos.map(iso => [formatTime(format, iso), machineTime(iso)]);
        }""",
        [m.isoformat().replace("+00:00", ".123456+00:00") for m in moments],
    )
    with timezone.override(UTC):  # 1 December: London is on GMT
        expected = [[britishtime.clock(m), m.strftime("%Y-%m-%dT%H:%M:%SZ")] for m in moments]
    assert written == expected


def test_the_rooms_words_say_what_they_do(site, context_for, live_asgi):
    session = site.open_session
    member = room(context_for(site.cast.member).new_page(), live_asgi.url, session)
    # The box is sent with "I found that triggering": both sit in one group that says so.
    group = member.get_by_role("group", name="Something hard to hear?")
    expect(group.get_by_label("What was it about?")).to_be_visible()
    expect(group.get_by_role("button", name="I found that triggering")).to_be_visible()
    expect(member.get_by_text("Anything you'd like to add?")).to_have_count(0)

    # "Private replies sent" is never an empty heading.
    dashboard = context_for(site.cast.leader).new_page()
    dashboard.goto(f"{live_asgi.url}/sessions/{session.pk}/dashboard/")
    under_heading = dashboard.locator("#replies-heading ~ :visible").first
    expect(under_heading).to_contain_text("None yet")

    # The join page's main button has room under it.
    join = context_for(site.cast.member).new_page()
    join.goto(f"{live_asgi.url}/sessions/{session.pk}/join/")
    gap = join.evaluate(
        """() => {
          const form = document.querySelector(".join-form");
          const button = form.querySelector("button").getBoundingClientRect();
          return form.nextElementSibling.getBoundingClientRect().top - button.bottom;
        }"""
    )
    assert gap >= 16, f"only {gap}px under the join button"


# Cards in rows: a card alone on its row must fill the row (no orphan beside empty space).
ORPHANS = """() => {
  const cards = [...document.querySelectorAll(".principles > div")];
  const rows = new Map();
  for (const card of cards) {
    const top = Math.round(card.getBoundingClientRect().top);
    rows.set(top, [...(rows.get(top) || []), card]);
  }
  const width = document.querySelector(".principles").getBoundingClientRect().width;
  return [...rows.values()].filter(row => row.length === 1 && row[0].getBoundingClientRect().width < width - 2)
    .map(row => row[0].textContent.trim().slice(0, 30));
}"""


@pytest.mark.parametrize("width", [700, 1024, 1280])
def test_the_five_principles_leave_nobody_alone_on_a_row(width, site, context_for, live_asgi):
    page = context_for(None, width=width).new_page()
    page.goto(f"{live_asgi.url}/")
    assert page.locator(".principles > div").count() == 5
    assert page.evaluate(ORPHANS) == []
