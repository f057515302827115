"""The benchmark's data: its own database, synthetic people and groups, and real session cookies.

Runs in the benchmark's own process (Django set up with bench.settings). Seeding is idempotent: a
group that exists is kept, so the first run seeds (about a minute) and later runs reuse the data.
Every person gets a real Django session row, and the sockets carry its `sessionid` cookie, exactly
as a signed-in browser does.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from django.db import transaction
from django.utils import timezone

SESSION_KEY_PREFIX = "bench"


@dataclass(frozen=True)
class DataSpec:
    """How much data the benchmark database holds (the scenarios use all of it or a subset)."""

    rooms: int = 10  # groups with an open session, for the alert scenario
    members_per_room: int = 100
    big_members: int = 200  # the broadcast room, and the group whose pages are measured
    big_sessions: int = 50
    audit_events: int = 500
    concerns: int = 120
    small_members: int = 10  # a small group: its pages must need as many queries as the big one's
    small_sessions: int = 5


FULL_DATA = DataSpec()
SMOKE_DATA = DataSpec(
    rooms=1, members_per_room=4, big_members=6, big_sessions=4, audit_events=5, concerns=3, small_members=2
)


@dataclass
class Person:
    user_id: int
    cookie: str = ""  # "sessionid=..."


@dataclass
class Room:
    """A group with an open session: its leader and members, ready to connect."""

    slug: str
    session_id: int
    leader: Person
    members: list[Person] = field(default_factory=list)


@dataclass
class Fixture:
    rooms: list[Room]
    big: Room  # 200 members: the broadcast room and the pages' group
    small: Room
    trustee: Person
    big_sessions: int = 0


# --- the database itself -------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    """The same PostgreSQL URL with another database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- people, groups and sessions ----------------------------------------------------------------


def _password():
    """One unusable password hash for everyone: nobody signs in with a password, and hashing is slow."""
    from django.contrib.auth.hashers import make_password

    return make_password(None)


def _make_users(prefix: str, count: int, *, password: str, **extra) -> list:
    from allauth.account.models import EmailAddress

    from members.models import User

    users = User.objects.bulk_create(
        User(email=f"{prefix}-{n}@bench.invalid", display_name=f"{prefix} {n}", password=password, **extra)
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    return users


def _make_group(slug: str, *, members: int, leaders: int, password: str):
    """A group with leaders (with two-step verification) and members, all active and agreed."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from groups.models import Agreement, GuidelinesVersion, Membership, SupportGroup

    group = SupportGroup.objects.create(
        name=f"Benchmark {slug}",
        slug=slug,
        description="Synthetic group for the benchmark.",
        meeting_rhythm="Every day",
    )
    version = GuidelinesVersion.objects.create(group=group, number=1)
    leader_users = _make_users(f"{slug}-leader", leaders, password=password)
    member_users = _make_users(f"{slug}-member", members, password=password)
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(group=group, user=u, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE, joined_at=now)
            for u in leader_users
        ]
        + [
            Membership(group=group, user=u, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE, joined_at=now)
            for u in member_users
        ]
    )
    Agreement.objects.bulk_create(Agreement(user=u, version=version) for u in leader_users + member_users)
    for leader in leader_users:
        TOTP.activate(leader, generate_totp_secret())
    return group, leader_users, member_users


def _open_session(group, **extra):
    from sessions.models import GroupSession

    now = timezone.now()
    return GroupSession.objects.create(
        group=group,
        topic="Benchmark session",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        status=GroupSession.Status.OPEN,
        opened_at=now,
        meeting_link="https://meet.example.org/bench",
        **extra,
    )


def _history(group, *, sessions: int, members: list, leader, concerns: int, camera_off: int):
    """Past and upcoming sessions with attendance, camera-off notices and concerns: a group a year in."""
    from safeguarding.models import Concern
    from sessions.models import Attendance, CameraOffNotice, GroupSession

    now = timezone.now()
    past = max(0, sessions - 10)
    made = []
    for n in range(sessions - 1):  # the open session is the last one
        starts = now - timedelta(days=7 * (past - n)) if n < past else now + timedelta(days=7 * (n - past + 1))
        status = GroupSession.Status.ENDED if n < past else GroupSession.Status.SCHEDULED
        made.append(
            GroupSession(
                group=group,
                topic=f"Session {n + 1}",
                guest_speaker="A guest" if n % 5 == 0 else "",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=90),
                status=status,
                meeting_link="https://meet.example.org/bench",
                created_by=leader,
            )
        )
    made = GroupSession.objects.bulk_create(made)
    attendance = []
    for session in made:
        if session.status == GroupSession.Status.ENDED:
            for person in members[: max(1, len(members) * 3 // 10)]:
                attendance.append(
                    Attendance(session=session, user=person, joined_at=session.starts_at, left_at=session.ends_at)
                )
    Attendance.objects.bulk_create(attendance)
    CameraOffNotice.objects.bulk_create(
        CameraOffNotice(group=group, user=person, standing=True, reason="Bench: camera off")
        for person in members[:camera_off]
    )
    categories, risks = Concern.Category.values, Concern.RiskLevel.values
    statuses = Concern.Status.values
    Concern.objects.bulk_create(
        Concern(
            group=group,
            raised_by=members[n % len(members)],
            category=categories[n % len(categories)],
            risk_level=risks[n % len(risks)],
            details="Synthetic concern text for the benchmark.",
            to_trustees=n % 2 == 0,
            status=statuses[n % len(statuses)],
        )
        for n in range(concerns)
    )


def _trustee(password: str):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from members.models import User
    from members.roles import TRUSTEES_GROUP, sync_trustees_group

    user = User.objects.filter(email="bench-trustee@bench.invalid").first()
    if user is None:
        sync_trustees_group()
        (user,) = _make_users("bench-trustee", 1, password=password, is_staff=True)
        user.email = "bench-trustee@bench.invalid"
        user.save(update_fields=["email"])
        user.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
        TOTP.activate(user, generate_totp_secret())
    return user


def _audit_trail(count: int, *, actor, subjects: list) -> None:
    """Audit events through the real API (each one hash-chained to the one before)."""
    from core.audit import record
    from core.models import AuditEvent

    missing = count - AuditEvent.objects.count()
    for n in range(max(0, missing)):
        with transaction.atomic():
            record("bench.synthetic.event", actor=actor, subject=subjects[n % len(subjects)], data={"n": n})


def ensure_data(spec: DataSpec, log=print) -> Fixture:
    """Seed whatever is missing, then open every benchmark room afresh and issue session cookies."""
    from groups.models import Membership, SupportGroup
    from sessions.models import GroupSession

    password = _password()
    wanted = [(f"bench-room-{n}", spec.members_per_room) for n in range(spec.rooms)]
    wanted += [("bench-big", spec.big_members), ("bench-small", spec.small_members)]
    for slug, members in wanted:
        if SupportGroup.objects.filter(slug=slug).exists():
            continue
        log(f"  seeding {slug} ({members} members)")
        with transaction.atomic():
            group, leaders, people = _make_group(slug, members=members, leaders=2, password=password)
            _open_session(group, created_by=leaders[0])
            if slug == "bench-big":
                _history(
                    group, sessions=spec.big_sessions, members=people, leader=leaders[0], concerns=spec.concerns,
                    camera_off=10,
                )  # fmt: skip
            elif slug == "bench-small":
                _history(
                    group, sessions=spec.small_sessions, members=people, leader=leaders[0], concerns=2, camera_off=1
                )
    trustee = _trustee(password)
    big_group = SupportGroup.objects.get(slug="bench-big")
    _audit_trail(spec.audit_events, actor=trustee, subjects=list(big_group.memberships.all()[:50]))

    rooms = []
    for slug, _ in wanted:
        memberships = Membership.objects.filter(group__slug=slug).order_by("role", "user_id")
        session = GroupSession.objects.filter(group__slug=slug, status=GroupSession.Status.OPEN).order_by("pk").last()
        if session is None:  # a session a previous run (or a person) ended: open a new one
            session = _open_session(SupportGroup.objects.get(slug=slug))
        leaders = [Person(m.user_id) for m in memberships if m.role == Membership.Role.LEADER]
        members = [Person(m.user_id) for m in memberships if m.role == Membership.Role.MEMBER]
        rooms.append(Room(slug=slug, session_id=session.pk, leader=leaders[0], members=members))
    fixture = Fixture(
        rooms=rooms[: spec.rooms],
        big=rooms[spec.rooms],
        small=rooms[spec.rooms + 1],
        trustee=Person(trustee.pk),
        big_sessions=big_group.sessions.count(),
    )
    issue_cookies(fixture)
    return fixture


def everyone(fixture: Fixture) -> list[Person]:
    people = [fixture.trustee]
    for room in [*fixture.rooms, fixture.big, fixture.small]:
        people += [room.leader, *room.members]
    return people


def issue_cookies(fixture: Fixture) -> None:
    """A fresh signed-in Django session for every person, as `login()` would store it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from members.models import User

    Session.objects.filter(session_key__startswith=SESSION_KEY_PREFIX).delete()
    people = everyone(fixture)
    users = User.objects.in_bulk([p.user_id for p in people])
    store = SessionStore()
    expires = timezone.now() + timedelta(days=1)
    rows = []
    for person in people:
        user = users[person.user_id]
        key = SESSION_KEY_PREFIX + secrets.token_hex(14)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        person.cookie = f"sessionid={key}"
    Session.objects.bulk_create(rows)


def reset_rooms(fixture: Fixture) -> None:
    """Every benchmark room empty and open again: no one present, no alerts, chat on."""
    from sessions.models import GroupSession, RoomAlert, RoomConnection, RoomParticipant

    session_ids = [room.session_id for room in [*fixture.rooms, fixture.big, fixture.small]]
    with transaction.atomic():
        RoomConnection.objects.filter(participant__session_id__in=session_ids).delete()
        RoomAlert.objects.filter(session_id__in=session_ids).delete()
        RoomParticipant.objects.filter(session_id__in=session_ids).delete()
        GroupSession.objects.filter(pk__in=session_ids).update(status=GroupSession.Status.OPEN, chat_enabled=True)
