"""Save PNGs of the main pages for each role to docs/screenshots/ (`make screenshots`).

Runs on a fresh temporary SQLite database with the demo data (`seed_demo`), serves the real ASGI
application with uvicorn in a thread, and drives Debian's Chromium through Playwright. The room is
filled the way it would be mid-session: members in the room raise hands, step out and message the
leaders through the real page, so the leaders' dashboard shows what a leader would see.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...]
"""

import argparse
import contextlib
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE, DESKTOP, BESIDE_THE_CALL = 320, 1280, 420  # the room sits in a narrow window beside the video call
ROOM_SHOTS = (
    "member-room-beside-the-call",
    "member-dark-room",
    "leader-dashboard",
    "leader-dark-dashboard",
    "leader-320-dashboard",
)


def prepare_environment(tmp: Path) -> None:
    """A throwaway database and key; no Redis, so Celery runs in-process and the channel layer in memory."""
    from cryptography.fernet import Fernet

    os.environ.update(
        DJANGO_SETTINGS_MODULE="peersupport.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp / 'screenshots.sqlite3'}",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        EMAIL_FILE_PATH=str(tmp / "emails"),  # keeps demo emails out of the console
        DJANGO_ALLOW_ASYNC_UNSAFE="true",  # Playwright's sync API runs an event loop in this thread
        LOG_LEVEL="WARNING",
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(BASE_DIR))


def seed() -> dict:
    """The demo data, plus what makes the pages worth looking at: a concern, contact details, camera-off notes."""
    import io

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())

    from groups.models import Membership, SupportGroup
    from members.models import User
    from safeguarding import services as safeguarding
    from sessions import camera_off_notices
    from sessions.models import GroupSession

    group = SupportGroup.objects.get(slug="evening-peer-support")
    people = {user.email.split("@")[0]: user for user in User.objects.all()}
    open_session = GroupSession.objects.get(group=group, status=GroupSession.Status.OPEN)
    upcoming = GroupSession.objects.filter(group=group, status=GroupSession.Status.SCHEDULED).order_by("starts_at")[0]

    safeguarding.save_contact_details(user=people["alex"], consent=True, phone="07700 900123")
    concern = safeguarding.raise_concern(
        raised_by=people["alex"],
        group=group,
        category="other",
        risk_level="medium",
        details="I've been finding the evenings hard since my job ended. Could someone call me this week?",
    )
    sam = Membership.objects.get(group=group, user=people["sam"])
    camera_off_notices.give_camera_off_notice(
        sam, session=None, reason="I join from a shared room at home.", standing=True
    )
    return {"group": group, "people": people, "open": open_session, "upcoming": upcoming, "concern": concern}


@contextlib.contextmanager
def serve():
    """uvicorn in a thread; yields its base URL, and stops it (a thread still serving while the interpreter
    shuts down can crash it: a segmentation fault after the screenshots were saved, seen once)."""
    import socket

    import uvicorn

    from peersupport.asgi import application

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Shooter:
    """Opens one browser context per person, width and colour scheme; saves full-page PNGs."""

    def __init__(self, browser, url: str, out: Path, only: list[str]):
        self.browser, self.url, self.out, self.only = browser, url, out, only
        self.saved: list[Path] = []

    def context(self, user=None, *, width: int = DESKTOP, dark: bool = False):
        from django.conf import settings
        from django.test import Client

        context = self.browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
            locale="en-GB",  # the charity's members: dates in the browser's own inputs read day/month/year
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.url}])
        return context

    def wanted(self, name: str) -> bool:
        return not self.only or any(part in name for part in self.only)

    def shot(self, page, name: str, path: str | None = None, *, full_page: bool = True) -> None:
        if not self.wanted(name):
            return
        if path is not None:
            page.goto(f"{self.url}{path}")
        page.wait_for_load_state("networkidle")
        target = self.out / f"{name}.png"
        page.screenshot(path=str(target), full_page=full_page)
        self.saved.append(target)
        print(f"  {target.relative_to(BASE_DIR) if target.is_relative_to(BASE_DIR) else target}")

    def pages(self, user, prefix: str, paths: dict[str, str], *, width: int = DESKTOP, dark: bool = False) -> None:
        if not any(self.wanted(f"{prefix}-{name}") for name in paths):
            return
        context = self.context(user, width=width, dark=dark)
        page = context.new_page()
        for name, path in paths.items():
            self.shot(page, f"{prefix}-{name}", path)
        context.close()


def fill_the_room(shooter: Shooter, data: dict) -> list:
    """Members come into the room and use it, so the dashboard looks as it does mid-session."""
    from playwright.sync_api import expect

    session, people = data["open"], data["people"]
    contexts = []
    # A co-leader is on the dashboard first: messages to the leaders need a leader there to receive them.
    coleader = shooter.context(people["coleader"])
    contexts.append(coleader)
    coleader.new_page().goto(f"{shooter.url}/sessions/{session.pk}/dashboard/")

    def enter(user):
        context = shooter.context(user, width=BESIDE_THE_CALL)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{shooter.url}/sessions/{session.pk}/room/")
        expect(page.locator("#connection")).to_have_text(re.compile("Updates are live"))
        return page

    alex = enter(people["alex"])
    alex.get_by_role("button", name="Raise my hand").click()
    expect(alex.locator("#sr-status")).to_contain_text("Your hand is raised")
    jo = enter(people["jo"])
    jo.get_by_label("Your message").fill("Could one of you stay on for five minutes after? Nothing urgent.")
    jo.get_by_role("button", name="Send to the leaders").click()
    expect(jo.locator("#announce")).to_contain_text("reached the leaders")
    sam = enter(people["sam"])
    sam.get_by_role("button", name="I'm stepping out").click()
    expect(sam.locator("#sr-status")).to_contain_text("stepped out")
    priya = enter(people["priya"])
    priya.get_by_role("button", name="Raise my hand").click()
    expect(priya.locator("#sr-status")).to_contain_text("Your hand is raised")
    return alex, contexts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(BASE_DIR / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", default=[], help="only screenshots whose name contains one of these")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).", file=sys.stderr)
        return 1
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="peersupport-screenshots-") as tmp:
        prepare_environment(Path(tmp))
        import django

        django.setup()
        data = seed()
        from playwright.sync_api import sync_playwright

        with serve() as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            shooter = Shooter(browser, url, out, args.only)
            take_all(shooter, data)
            browser.close()
    print(f"Saved {len(shooter.saved)} screenshots in {out}")
    return 0


def take_all(shooter: Shooter, data: dict) -> None:
    group, people, upcoming = data["group"], data["people"], data["upcoming"]
    slug = group.slug

    print("Visitor")
    public = {"home": "/", "sign-in": "/accounts/login/", "sign-up": "/accounts/signup/", "groups": "/groups/"}
    shooter.pages(None, "visitor", public)
    shooter.pages(None, "visitor-dark", {"home": "/", "sign-in": "/accounts/login/"}, dark=True)
    shooter.pages(None, "visitor-320", {"home": "/", "sign-in": "/accounts/login/"}, width=PHONE)

    print("Member")
    member_pages = {
        "my-groups": "/groups/mine/",
        "group": f"/groups/{slug}/",
        "session": f"/sessions/{upcoming.pk}/",
        "camera-off": f"/sessions/{upcoming.pk}/camera-off/",
        "concern": f"/safeguarding/groups/{slug}/concerns/new/",
        "my-concerns": "/safeguarding/concerns/",
        "account": "/me/",
    }
    shooter.pages(people["jo"], "member", member_pages)
    shooter.pages(people["jo"], "member-dark", {"my-groups": "/groups/mine/", "group": f"/groups/{slug}/"}, dark=True)
    shooter.pages(
        people["jo"], "member-320", {"my-groups": "/groups/mine/", "session": f"/sessions/{upcoming.pk}/"}, width=PHONE
    )

    if any(shooter.wanted(name) for name in ROOM_SHOTS):
        print("The room and the leaders' dashboard, mid-session")
        take_the_room(shooter, data)
    take_leader_and_trustee(shooter, data)


def take_the_room(shooter: Shooter, data: dict) -> None:
    from playwright.sync_api import expect

    people, session = data["people"], data["open"]
    alex, contexts = fill_the_room(shooter, data)
    leader_dash = shooter.context(people["leader"])
    dash = leader_dash.new_page()
    dash.goto(f"{shooter.url}/sessions/{session.pk}/dashboard/")
    expect(dash.locator("#hands li")).to_have_count(2)
    # A line of group chat: live only, on every page open in the room, and kept nowhere.
    alex.get_by_label("Write to the group").fill("Thank you for tonight. It helps to hear I'm not the only one.")
    alex.get_by_role("button", name="Send", exact=True).click()
    expect(dash.locator("#chat-log li")).to_have_count(1)
    expect(alex.locator("#chat-log li")).to_have_count(1)
    shooter.shot(alex, "member-room-beside-the-call", full_page=True)
    shooter.shot(dash, "leader-dashboard")
    leader_dash.close()
    for dark, width, name in ((True, DESKTOP, "leader-dark-dashboard"), (False, PHONE, "leader-320-dashboard")):
        if shooter.wanted(name):
            context = shooter.context(people["leader"], width=width, dark=dark)
            shooter.shot(context.new_page(), name, f"/sessions/{session.pk}/dashboard/")
            context.close()
    if shooter.wanted("member-dark-room"):
        context = shooter.context(people["alex"], width=BESIDE_THE_CALL, dark=True)
        shooter.shot(context.new_page(), "member-dark-room", f"/sessions/{session.pk}/room/")
        context.close()
    for context in contexts:
        context.close()


def take_leader_and_trustee(shooter: Shooter, data: dict) -> None:
    group, people = data["group"], data["people"]
    slug = group.slug
    print("Leader")
    member = people["alex"]
    leader_pages = {
        "group": f"/groups/{slug}/",
        "members": f"/groups/{slug}/members/",
        "sessions": f"/sessions/group/{slug}/",
        "new-session": f"/sessions/group/{slug}/new/",
        "safeguarding": f"/safeguarding/groups/{slug}/",
        "concern": f"/safeguarding/concerns/{data['concern'].pk}/",
        "remove-member": f"/safeguarding/groups/{slug}/members/{member.pk}/remove/",
    }
    shooter.pages(people["leader"], "leader", leader_pages)
    shooter.pages(people["leader"], "leader-320", {"members": f"/groups/{slug}/members/"}, width=PHONE)

    print("Trustee")
    trustee_pages = {
        "admin": "/admin/",
        "concerns": "/admin/safeguarding/concern/",
        "concern": f"/admin/safeguarding/concern/{data['concern'].pk}/change/",
        "audit-trail": "/admin/core/auditevent/",
        "figures": "/safeguarding/figures/",
    }
    shooter.pages(people["trustee"], "trustee", trustee_pages)
    shooter.pages(people["trustee"], "trustee-dark", {"admin": "/admin/"}, dark=True)
    shooter.pages(people["trustee"], "trustee-320", {"concerns": "/admin/safeguarding/concern/"}, width=PHONE)


if __name__ == "__main__":
    sys.exit(main())
