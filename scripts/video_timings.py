"""Two figures for the video call, against the fake LiveKit server on loopback (tests/video/fake_livekit.py):

- credential mint: a member's POST to the credential endpoint, every check included, until the token is back;
- remove -> server call: from a leader's removal request until the call's server receives RemoveParticipant.

    .venv/bin/python scripts/video_timings.py [--runs 200]

A throwaway SQLite database, Django's test client, in-process: the figures are the app's own work, not a network.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs

    from tests.video.fake_livekit import FakeLiveKit

    fake = FakeLiveKit().start()
    workdir = tempfile.mkdtemp(prefix="video-timings-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="peersupport.settings",
        PEERSUPPORT_TESTING="1",
        VIDEO_PROVIDER="livekit",
        LIVEKIT_URL=fake.url,
        LIVEKIT_API_KEY=fake.api_key,
        LIVEKIT_API_SECRET=fake.api_secret,
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = str(Path(workdir) / "db.sqlite3")
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from groups.models import Membership, SupportGroup
    from members.models import User
    from sessions.models import GroupSession, RoomParticipant
    from sessions.video import identity_for

    connection.close()
    call_command("migrate", verbosity=0)
    group = SupportGroup.objects.create(name="Timings", slug="timings", description="-", meeting_rhythm="-")
    leader = User.objects.create_user(email="leader@example.org", password=None, display_name="Leader")
    Membership.objects.create(group=group, user=leader, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE)
    from tests.fixtures.factories import enable_mfa

    enable_mfa(leader)
    now = timezone.now()
    session = GroupSession.objects.create(
        group=group, topic="t", starts_at=now, ends_at=now + timezone.timedelta(hours=2), status="open"
    )
    members = []
    for i in range(runs):
        user = User.objects.create_user(email=f"m{i}@example.org", password=None, display_name=f"Member {i}")
        Membership.objects.create(group=group, user=user, status=Membership.Status.ACTIVE)
        members.append(user)
    guidelines = group.current_guidelines()
    if guidelines:
        from groups.models import Agreement

        Agreement.objects.bulk_create([Agreement(user=u, version=guidelines) for u in members])
    RoomParticipant.objects.bulk_create(
        [RoomParticipant(session=session, user=u, admitted_at=now) for u in members]
        + [RoomParticipant(session=session, user=leader, is_leader=True)]
    )

    client = Client()
    mint = []
    for user in members:
        client.force_login(user)
        started = time.perf_counter()
        response = client.post(reverse("sessions:call_credential", args=[session.pk]), HTTP_ACCEPT="application/json")
        mint.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content

    client.force_login(leader)
    to_server = []
    for user in members:
        fake.join(session.video_room, identity_for(session.pk, user.pk))
        before = len(fake.calls)
        started = time.monotonic()
        response = client.post(
            reverse("sessions:dashboard_action", args=[session.pk]),
            {"action": "remove", "user": user.pk, "reason": "complaint"},
            HTTP_ACCEPT="application/json",
        )
        assert response.json()["type"] == "done", response.content
        [call] = fake.calls[before:]
        to_server.append((call.at - started) * 1000)
    fake.stop()
    print(f"credential mint ({runs} runs): median {statistics.median(mint):.1f} ms, p95 {p95(mint):.1f} ms")
    print(
        f"remove -> RemoveParticipant at the server ({runs} runs): median {statistics.median(to_server):.1f} ms, "
        f"p95 {p95(to_server):.1f} ms"
    )


if __name__ == "__main__":
    main()
