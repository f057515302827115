"""A world to attack: two groups, each with one of everything, every free text an XSS payload with a marker.

The markers (e.g. ``ZQA-topic``) are plain tokens inside the payloads, so a test can tell whether a page
shows a record (the marker is there, escaped or not) and whether it was escaped (the raw tag is not).
Group A is the cast's group, group B the cast's other group (led by ``cast.other_leader``).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import Invitation, Membership
from safeguarding import removals
from safeguarding import services as safeguarding
from safeguarding.models import Concern, Removal
from sessions import calendar_feeds, camera_off_notices
from sessions.models import GroupSession
from tests.faults.servers import app_server  # noqa: F401 - real app servers in subprocesses
from tests.room.conftest import fresh_channel_layer, open_session, socket_for  # noqa: F401 - the room's fixtures

# Each would run script if a page inserted it as HTML.
IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">'
SCRIPT_PAYLOAD = "<script>window.__xss=1</script>"
RAW_TAGS = ("<img src=x", "<script>window.__xss")


def xss(marker: str, payload: str = IMG_PAYLOAD) -> str:
    return f"{payload}{marker}"


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Every test here runs Celery tasks in-process, except integration tests (tests/fixtures/workers.py)."""


@dataclass
class Side:
    """One group's records, and the markers that show them on a page."""

    key: str
    group: object
    leader: object
    member: object
    quiet: object  # a member who did nothing but be there: their name is private to the group
    pending: Membership
    upcoming: GroupSession
    open_session: GroupSession
    concern: Concern
    removal: Removal
    notice: object
    invitation: object
    invitation_token: str
    feed_token: str
    markers: dict[str, str] = field(default_factory=dict)
    follow_up: object = None
    conversation: object = None
    room_alert: object = None


@dataclass
class World:
    cast: object
    a: Side
    b: Side

    def side(self, key: str) -> Side:
        return self.a if key == "A" else self.b


def _build_side(key, group, leader, member, *, trustee, membership_factory, user_factory, session_factory) -> Side:
    m = {kind: f"ZQ{key}-{kind}" for kind in ("group", "topic", "quiet", "member", "concern", "note", "camera")}
    m |= {kind: f"ZQ{key}-{kind}" for kind in ("link", "phone", "removal", "invite", "guest", "request")}

    group.name = xss(m["group"], SCRIPT_PAYLOAD)
    group.is_open_to_requests = key == "A"  # B is unlisted: even its name is private
    group.save(update_fields=["name", "is_open_to_requests"])
    member.display_name = xss(m["member"])
    member.pronouns = "<b>they</b>"
    member.save(update_fields=["display_name", "pronouns"])
    quiet = membership_factory(group, user_factory(display_name=xss(m["quiet"]))).user
    rory = membership_factory(group, user_factory(display_name=f"Rory {key}")).user
    pending = membership_factory(
        group, user_factory(display_name=f"Asking {key}"), status=Membership.Status.PENDING, agreed=False
    )

    upcoming = session_factory(
        group,
        starts_in=timedelta(days=1),
        topic=xss(m["topic"]),
        guest_speaker=xss(m["guest"], SCRIPT_PAYLOAD),
        meeting_link=f"https://meet.example.org/{m['link']}",
    )
    open_now = session_factory(
        group,
        starts_in=timedelta(minutes=-10),
        status=GroupSession.Status.OPEN,
        topic=xss(m["topic"]),
        meeting_link=f"https://meet.example.org/{m['link']}",
    )
    concern = safeguarding.raise_concern(
        raised_by=member,
        group=group,
        category=Concern.Category.RISK_TO_ADULT,
        risk_level=Concern.RiskLevel.MEDIUM,
        details=xss(m["concern"]),
    )
    safeguarding.add_case_note(concern, actor=trustee, text=xss(m["note"]))
    removal = removals.remove_member(
        Membership.objects.get(group=group, user=rory),
        actor=leader,
        kind=Removal.Kind.TEMPORARY,
        reasons=[Removal.Reason.TALKING_OVER],
        until=timezone.now() + timedelta(days=7),
        note=xss(m["removal"]),
    )
    membership = Membership.objects.get(group=group, user=member)
    notice = camera_off_notices.give_camera_off_notice(
        membership, session=upcoming, reason=xss(m["camera"]), standing=False
    )
    safeguarding.save_contact_details(user=member, consent=True, phone=m["phone"], notes=xss(m["phone"] + "-note"))
    invitation, token = Invitation.create(group=group, created_by=leader, note=xss(m["invite"]))
    return Side(
        key=key,
        group=group,
        leader=leader,
        member=member,
        quiet=quiet,
        pending=pending,
        upcoming=upcoming,
        open_session=open_now,
        concern=concern,
        removal=removal,
        notice=notice,
        invitation=invitation,
        invitation_token=token,
        feed_token=calendar_feeds.new_calendar_feed(member),
        markers=m,
        follow_up=_follow_up(group, upcoming, member),
        conversation=_conversation(group, member, xss(m["member"] + "-message")),
        room_alert=_room_alert(open_now, member),
    )


def _room_alert(session, member):
    from sessions.models import RoomAlert

    return RoomAlert.objects.create(session=session, user=member, kind=RoomAlert.Kind.MESSAGE)


def _conversation(group, member, text):
    from care.conversations import start_conversation

    return start_conversation(actor=member, group=group, body=text)


def _follow_up(group, session, member):
    from care.models import FollowUp

    now = timezone.now()
    return FollowUp.objects.create(
        group=group, session=session, member=member, kind="contact", happened_at=now, due_at=now + timedelta(days=1)
    )


@pytest.fixture
def world(cast, membership_factory, user_factory, session_factory) -> World:
    bravo = membership_factory(cast.other_group, user_factory(display_name="Bravo")).user
    common = {
        "trustee": cast.trustee,
        "membership_factory": membership_factory,
        "user_factory": user_factory,
        "session_factory": session_factory,
    }
    a = _build_side("A", cast.group, cast.leader, cast.member, **common)
    b = _build_side("B", cast.other_group, cast.other_leader, bravo, **common)
    return World(cast=cast, a=a, b=b)


# Who is an active member or leader of each side (the only people who may see that side's records at all).
SIDE_PEOPLE = {"A": {"member", "leader", "co_leader"}, "B": {"other_leader"}}
# Everyone on the permission ladder (the `cast` fixture), plus anonymous.
LADDER = [
    "anonymous",
    "outsider",
    "pending",
    "suspended",
    "removed",
    "member",
    "leader",
    "co_leader",
    "other_leader",
    "trustee",
]


def login_as(client, cast, role: str):
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client
