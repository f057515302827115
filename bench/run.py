"""Run the benchmark: `python -m bench [--quick]` (or `make bench`, `make bench BENCH_QUICK=1`).

Needs the local PostgreSQL and Redis (DATABASE_URL, REDIS_URL; defaults below). Creates its own
database, seeds it once, starts real server processes on loopback, drives them with real websockets
and HTTP requests, prints a table and writes bench/results/latest.json. Every step is bounded in time.
"""

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from bench.data import FULL_DATA, SMOKE_DATA, DataSpec, Fixture
from bench.servers import BASE_DIR, Server, raise_fd_limit
from bench.stats import MachineMeter, load_average, machine

DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/peersupport_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
# Synthetic data only: a fixed key so a reused benchmark database stays readable between runs.
BENCH_ENCRYPTION_KEY = "cGVlci1zdXBwb3J0LWJlbmNoLW9ubHkta2V5LTAwMDA="
LAYERS = ("core", "pubsub")
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Plan:
    """How big and how long each scenario is. FULL is the brief's scenario; QUICK and SMOKE shrink it."""

    name: str
    data: DataSpec
    rooms: int = 10
    members_per_room: int = 100
    alert_rate: float = 20
    alert_seconds: float = 30
    compare_alert_seconds: float = 15  # the other server and the other layer
    broadcast_members: int = 200
    broadcast_rate: float = 10
    broadcast_seconds: float = 20
    ramp: tuple = ((20, 4), (30, 4), (40, 4), (60, 4), (80, 4), (110, 4), (150, 4))
    storm_count: int = 1000
    storm_rate: float = 200
    scale_alert_seconds: float = 30
    pages_rate: float = 20
    pages_seconds: float = 30
    grace: float = 5
    restart_hands_per_room: int = 2  # raised through the HTTP fallback while the server is down
    profile_connect_seconds: float = 60  # BENCH_PROFILE=1: how long the connect's profile may last at most


FULL = Plan(name="full", data=FULL_DATA)
QUICK = replace(
    FULL,
    name="quick",
    rooms=4,
    members_per_room=50,
    alert_seconds=8,
    compare_alert_seconds=8,
    broadcast_members=100,
    broadcast_seconds=5,
    ramp=((30, 3), (60, 3), (120, 3)),
    storm_count=200,
    scale_alert_seconds=6,
    pages_seconds=6,
    grace=3,
)
SMOKE = replace(
    FULL,
    name="smoke",
    data=SMOKE_DATA,
    rooms=1,
    members_per_room=3,
    alert_rate=4,
    alert_seconds=2,
    compare_alert_seconds=2,
    broadcast_members=4,
    broadcast_rate=4,
    broadcast_seconds=1,
    ramp=((8, 1),),
    storm_count=4,
    storm_rate=20,
    scale_alert_seconds=1,
    pages_rate=8,
    pages_seconds=1,
    grace=3,
)
PLANS = {"full": FULL, "quick": QUICK, "smoke": SMOKE}
SCENARIOS = ("alerts", "broadcast", "capacity", "restart", "scale_out", "pages", "compare")


@dataclass
class Context:
    plan: Plan
    env: dict
    fixture: Fixture
    log_dir: Path
    production: tuple[str, str]
    redis: object
    results: dict = field(default_factory=dict)


def say(text: str) -> None:
    print(text, flush=True)


# --- set-up ----------------------------------------------------------------------------------------------


def configure_environment(database_url: str, redis_url: str) -> dict:
    """The environment of this process and of every server it starts: production mode, on loopback."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-for-synthetic-data-never-used-in-production",
        "FIELD_ENCRYPTION_KEYS": BENCH_ENCRYPTION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; production sits behind TLS
        "LOG_LEVEL": "WARNING",
        "CHANNEL_LAYER_PREFIX": "bench",
        "PYTHONUNBUFFERED": "1",
        "DB_POOL": compose_db_pool(),  # as docker-compose.yml runs the web server
    }
    os.environ.update(env)
    return env


def compose_db_pool() -> str:
    """docker-compose.yml's DB_POOL for the web server ("true" or "false")."""
    found = re.search(r"^\s+DB_POOL: \"?(\w+)", (BASE_DIR / "docker-compose.yml").read_text(), re.MULTILINE)
    return "true" if found and found.group(1).lower() in {"1", "true", "yes", "on"} else "false"


def production_choice() -> tuple[str, str]:
    """The server and channel layer docker-compose.yml runs: the combination the targets are for."""
    from django.conf import settings

    compose = (BASE_DIR / "docker-compose.yml").read_text()
    web = re.search(r"^  web:\n(?:    .*\n)*?    command: (.*)$", compose, re.MULTILINE)
    server = "uvicorn" if web and "uvicorn" in web.group(1) else "daphne"
    layer = re.search(r"^\s+CHANNEL_LAYER: \"?(\w+)", compose, re.MULTILINE)
    return server, layer.group(1) if layer else settings.CHANNEL_LAYER


def clear_layer(redis) -> None:
    """Forget channel-layer groups and queues of earlier runs (servers are stopped hard between scenarios)."""
    prefix = os.environ["CHANNEL_LAYER_PREFIX"]
    keys = list(redis.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        redis.delete(*keys[start : start + 500])


def fresh(ctx: Context) -> None:
    from bench.data import reset_rooms

    reset_rooms(ctx.fixture)
    clear_layer(ctx.redis)


def server(ctx: Context, name: str, kind: str, layer: str, *, app: str = "peersupport.asgi:application") -> Server:
    return Server(name=name, kind=kind, app=app, env={**ctx.env, "CHANNEL_LAYER": layer}).start(ctx.log_dir)


def run_async(coro, *, timeout: float):
    """Run one scenario's coroutine, bounded in time."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


# --- the scenarios, as the runner drives them ---------------------------------------------------------


FLOORS = {"channels": "bench.floor:application", "plain": "bench.floor_plain:application"}


def alerts_on(ctx: Context, kind: str, layer: str, *, seconds: float, floor: str | None = None) -> dict:
    """The alert scenario against the app, or against one of the floors ("channels" or "plain")."""
    from bench.scenarios import Endpoint, alert_latency

    fresh(ctx)
    app = FLOORS[floor] if floor else "peersupport.asgi:application"
    name = f"{'floor-' + floor if floor else 'app'}-{kind}-{layer}"
    srv = server(ctx, name, kind, layer, app=app)
    rss_start = srv.rss_mb()
    connecting = srv.profile(ctx.plan.profile_connect_seconds, ctx.log_dir, label="connect")

    def on_idle() -> dict:
        if connecting is not None:
            connecting.send_signal(signal.SIGINT)  # py-spy stops and writes what it has sampled so far
        srv.profile(seconds, ctx.log_dir)
        return {
            "server_rss_mb_at_start": round(rss_start, 1),
            "server_rss_mb_idle_sockets": round(srv.rss_mb(), 1),
            "server_redis_connections_idle": srv.redis_connections(),
        }

    try:
        end = Endpoint(srv, floor=bool(floor))
        plan = ctx.plan
        result = run_async(
            alert_latency(
                end,
                end,
                ctx.fixture.rooms[: plan.rooms],
                members_per_room=plan.members_per_room,
                rate=plan.alert_rate,
                duration=seconds,
                grace=plan.grace,
                on_idle=on_idle,
            ),
            timeout=seconds + 240,
        )
        result["server_errors"] = srv.errors()[:10]
        return result
    finally:
        srv.kill()


def broadcast_on(ctx: Context, kind: str, layer: str, *, floor: bool = False, processes: int = 1) -> dict:
    from bench.scenarios import Endpoint, broadcast

    fresh(ctx)
    app = "bench.floor:application" if floor else "peersupport.asgi:application"
    servers = [
        server(ctx, f"{'floor' if floor else 'app'}-{kind}-{layer}-broadcast-{n}", kind, layer, app=app)
        for n in range(processes)
    ]
    plan = ctx.plan
    try:
        ends = [Endpoint(s, floor=floor) for s in servers]
        steps = [(plan.broadcast_rate, plan.broadcast_seconds), *plan.ramp]
        result = run_async(
            broadcast(
                ends[0],
                ends,
                ctx.fixture.big,
                members=plan.broadcast_members,
                steps=steps,
                grace=plan.grace,
                on_idle=lambda: [s.profile(sum(d for _, d in steps), ctx.log_dir) for s in servers],
            ),
            timeout=sum(s for _, s in steps) + len(steps) * plan.grace + 240,
        )
        result["processes"] = processes
        result["server_errors"] = [line for s in servers for line in s.errors()][:10]
        return result
    finally:
        for s in servers:
            s.kill()


def scenario_alerts(ctx: Context) -> None:
    kind, layer = ctx.production
    say(f"1. alert latency: {ctx.plan.rooms} rooms x {ctx.plan.members_per_room} members, {kind} + {layer}")
    ctx.results["alerts"] = alerts_on(ctx, kind, layer, seconds=ctx.plan.alert_seconds)
    say(f"   {brief_alerts(ctx.results['alerts'])}")
    say("2. the floor: the same traffic through a bare relay consumer")
    ctx.results["floor"] = alerts_on(ctx, kind, layer, seconds=ctx.plan.alert_seconds, floor="channels")
    say(f"   {brief_alerts(ctx.results['floor'])}")
    say("2b. the floor without Channels: the same relay as a plain ASGI app over Redis pub/sub")
    ctx.results["floor_plain"] = alerts_on(ctx, kind, layer, seconds=ctx.plan.alert_seconds, floor="plain")
    say(f"   {brief_alerts(ctx.results['floor_plain'])}")


def scenario_broadcast(ctx: Context) -> None:
    kind, layer = ctx.production
    say(f"3. broadcast: one room of {ctx.plan.broadcast_members}, {ctx.plan.broadcast_rate} chat messages/s, then more")
    ctx.results["broadcast"] = broadcast_on(ctx, kind, layer)
    say(f"   {brief_broadcast(ctx.results['broadcast'])}")


def scenario_capacity(ctx: Context) -> None:
    from bench.scenarios import connect_storm

    kind, layer = ctx.production
    say(f"4. capacity: a connect storm of {ctx.plan.storm_count} sockets at {ctx.plan.storm_rate}/s")
    fresh(ctx)
    srv = server(ctx, f"app-{kind}-{layer}-storm", kind, layer)
    try:
        count = min(ctx.plan.storm_count, sum(len(r.members) for r in ctx.fixture.rooms))
        storm = run_async(
            connect_storm(srv, ctx.fixture.rooms, count=count, per_second=ctx.plan.storm_rate, redis=ctx.redis),
            timeout=count / ctx.plan.storm_rate + 240,
        )
    finally:
        srv.stop()
    ctx.results["storm"] = storm
    say(
        f"   opened {storm['connect']['opened']}/{count}, failed {storm['connect']['failed'] or 0}, "
        f"server errors {len(storm['server_errors'])}, Redis connections of the server "
        f"{storm['redis_connections_of_server']}"
    )


def scenario_restart(ctx: Context) -> None:
    from bench.scenarios import Endpoint, restart_storm

    kind, layer = ctx.production
    plan = ctx.plan
    sockets = plan.rooms * (plan.members_per_room + 1)
    say(f"7. restart storm: kill -9 the server holding {sockets} sockets mid-session, start it again")
    fresh(ctx)
    first = server(ctx, f"app-{kind}-{layer}-restart", kind, layer)
    current = [first]

    def restart() -> float:
        """Kill the server at once and start it on the same port: the seconds until it accepts connections."""
        killed = time.monotonic()
        first.kill()
        again = Server(name=f"{first.name}-after", kind=kind, app=first.app, env=first.env, port=first.port)
        current.append(again.start(ctx.log_dir))
        return time.monotonic() - killed

    try:
        result = run_async(
            restart_storm(
                Endpoint(first),
                restart,
                ctx.fixture.rooms[: plan.rooms],
                members_per_room=plan.members_per_room,
                hands_per_room=plan.restart_hands_per_room,
            ),
            timeout=240,
        )
        result["server_errors"] = current[-1].errors()[:10]
    finally:
        for srv in current:
            srv.kill()
    ctx.results["restart"] = result
    say(f"   {brief_restart(result)}")


def scenario_scale_out(ctx: Context) -> None:
    from bench.scenarios import Endpoint, alert_latency

    kind, layer = ctx.production
    plan = ctx.plan
    say("5. scale-out: two server processes; members on one, their leaders on the other")
    fresh(ctx)
    a = server(ctx, f"app-{kind}-{layer}-scale-a", kind, layer)
    b = server(ctx, f"app-{kind}-{layer}-scale-b", kind, layer)
    try:
        alerts = run_async(
            alert_latency(
                Endpoint(b),
                Endpoint(a),
                ctx.fixture.rooms[: plan.rooms],
                members_per_room=plan.members_per_room,
                rate=plan.alert_rate,
                duration=plan.scale_alert_seconds,
                grace=plan.grace,
            ),
            timeout=plan.scale_alert_seconds + 240,
        )
        alerts["server_errors"] = (a.errors() + b.errors())[:10]
    finally:
        a.kill()
        b.kill()
    say(f"   alerts across processes: {brief_alerts(alerts)}")
    both = broadcast_on(ctx, kind, layer, processes=2)
    say(f"   broadcast over two processes: {brief_broadcast(both)}")
    ctx.results["scale_out"] = {"alerts": alerts, "broadcast": both}


def scenario_pages(ctx: Context) -> None:
    from bench.scenarios import pages

    kind, layer = ctx.production
    say(f"6. pages at {ctx.plan.pages_rate} requests/s (server time from a Server-Timing header)")
    fresh(ctx)
    fill_dashboard(ctx.fixture)
    urls = page_urls(ctx.fixture)
    counts = query_counts(ctx.fixture)
    srv = server(ctx, f"pages-{kind}-{layer}", kind, layer, app="bench.asgi:application")
    try:
        result = run_async(
            pages(
                srv,
                urls,
                rate=ctx.plan.pages_rate,
                duration=ctx.plan.pages_seconds,
                on_idle=lambda: srv.profile(ctx.plan.pages_seconds, ctx.log_dir),
            ),
            timeout=ctx.plan.pages_seconds + 120,
        )
        result["server_errors"] = srv.errors()[:10]
    finally:
        srv.kill()
    for name, figures in result["pages"].items():
        figures["queries"] = counts[name]
    ctx.results["pages"] = result
    for name, figures in result["pages"].items():
        say(
            f"   {name:<18} p50 {figures['server_p50_ms']} ms, p95 {figures['server_p95_ms']} ms, "
            f"queries {figures['queries']}, failed {figures['failed'] or 0}"
        )


def scenario_compare(ctx: Context) -> None:
    """The same alert and broadcast traffic with the other server, then with the other channel layer.

    The measured combination's own figures come from scenarios 1 to 3; the others run the same traffic
    (the alerts for `compare_alert_seconds`), each changing one thing.
    """
    base_server, base_layer = ctx.production
    other_server = "daphne" if base_server.startswith("uvicorn") else "uvicorn"
    other_layer = "core" if base_layer == "pubsub" else "pubsub"
    table = {}
    for kind, layer in ((base_server, base_layer), (other_server, base_layer), (base_server, other_layer)):
        label = f"{kind}+{layer}"
        if (kind, layer) == ctx.production and "alerts" in ctx.results and "broadcast" in ctx.results:
            table[label] = {
                "alerts": ctx.results["alerts"],
                "floor": ctx.results["floor"],
                "broadcast": ctx.results["broadcast"],
            }
            continue
        say(f"   compare {label}")
        entry = {
            "alerts": alerts_on(ctx, kind, layer, seconds=ctx.plan.compare_alert_seconds),
            "floor": alerts_on(ctx, kind, layer, seconds=ctx.plan.compare_alert_seconds, floor="channels"),
            "broadcast": broadcast_on(ctx, kind, layer),
        }
        say(f"     alerts {brief_alerts(entry['alerts'])}; floor p99 {entry['floor']['latency']['p99_ms']} ms")
        say(f"     broadcast {brief_broadcast(entry['broadcast'])}")
        table[label] = entry
    ctx.results["compare"] = table


# --- pages: data and query counts ------------------------------------------------------------------------


def page_urls(fixture: Fixture) -> dict[str, tuple[str, str]]:
    big, trustee = fixture.big, fixture.trustee
    return {
        "leader dashboard": (f"/sessions/{big.session_id}/dashboard/", big.leader.cookie),
        "group page": (f"/groups/{big.slug}/", big.leader.cookie),
        "session list": (f"/sessions/group/{big.slug}/", big.leader.cookie),
        "admin case list": ("/admin/safeguarding/concern/", trustee.cookie),
    }


def fill_dashboard(fixture: Fixture) -> None:
    """The big room as a leader sees it mid-session: everyone present, a queue of hands, a few other alerts."""
    from django.utils import timezone

    from sessions.models import RoomAlert, RoomParticipant

    for room in (fixture.big, fixture.small):
        now = timezone.now()
        RoomParticipant.objects.bulk_create(
            RoomParticipant(session_id=room.session_id, user_id=p.user_id, joined_at=now) for p in room.members
        )
        hands = room.members[: max(1, len(room.members) // 10)]
        RoomAlert.objects.bulk_create(
            RoomAlert(session_id=room.session_id, user_id=p.user_id, kind=RoomAlert.Kind.HAND) for p in hands
        )
        RoomAlert.objects.bulk_create(
            RoomAlert(session_id=room.session_id, user_id=p.user_id, kind=RoomAlert.Kind.TRIGGERED)
            for p in room.members[-max(1, len(room.members) // 20) :]
        )


def query_counts(fixture: Fixture) -> dict[str, dict]:
    """Queries each page runs for the big group and for a small one: flat means the count does not grow with rows."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    def count(user_id: int, path: str) -> int:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(pk=user_id))
        client.get(path)  # the first visit may create things (the leader's place in the room)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(queries)

    big, small = fixture.big, fixture.small
    small_group_id = _group_id(small.slug)
    big_group_id = _group_id(big.slug)
    pairs = {
        "leader dashboard": (
            (big.leader.user_id, f"/sessions/{big.session_id}/dashboard/"),
            (small.leader.user_id, f"/sessions/{small.session_id}/dashboard/"),
        ),
        "group page": ((big.leader.user_id, f"/groups/{big.slug}/"), (small.leader.user_id, f"/groups/{small.slug}/")),
        "session list": (
            (big.leader.user_id, f"/sessions/group/{big.slug}/"),
            (small.leader.user_id, f"/sessions/group/{small.slug}/"),
        ),
        "admin case list": (
            (fixture.trustee.user_id, f"/admin/safeguarding/concern/?group__id__exact={big_group_id}"),
            (fixture.trustee.user_id, f"/admin/safeguarding/concern/?group__id__exact={small_group_id}"),
        ),
    }
    out = {}
    for name, (large, little) in pairs.items():
        n_large, n_small = count(*large), count(*little)
        out[name] = {"big_group": n_large, "small_group": n_small, "flat": n_large == n_small}
    return out


def _group_id(slug: str) -> int:
    from groups.models import SupportGroup

    return SupportGroup.objects.values_list("pk", flat=True).get(slug=slug)


# --- targets and the table ----------------------------------------------------------------------------------


def evaluate(results: dict) -> list[dict]:
    """Each target of the brief, with the figure that meets or misses it."""
    checks = []

    def check(target: str, figure, ok: bool | None) -> None:
        checks.append({"target": target, "figure": figure, "met": ok})

    alerts, floor = results.get("alerts"), results.get("floor")
    if alerts and floor:
        p99, floor_p99 = alerts["latency"]["p99_ms"], floor["latency"]["p99_ms"]
        ratio = round(p99 / floor_p99, 2) if p99 and floor_p99 else None
        results["alerts"]["p99_vs_floor"] = ratio
        check("alert p99 under 50 ms", f"{p99} ms", p99 is not None and p99 < 50)
        within = ratio is not None and ratio <= 3
        check("alert p99 within 3x the bare-relay floor", f"{ratio}x (floor {floor_p99} ms)", within)
        check(
            "alert p99 within 1.5x the bare-relay floor",
            f"{ratio}x (floor {floor_p99} ms)",
            ratio is not None and ratio <= 1.5,
        )
        check("0 alerts lost", f"{alerts['lost']} lost of {alerts['sent']}", alerts["lost"] == 0 and alerts["sent"] > 0)
        app_s, floor_s = alerts["connect"]["members"]["seconds"], floor["connect"]["members"]["seconds"]
        connect_ratio = round(app_s / floor_s, 2) if floor_s else None
        results["alerts"]["connect_vs_floor"] = connect_ratio
        check(
            "authenticated connect within 3x the bare relay",
            f"{app_s} s, {connect_ratio}x (floor {floor_s} s)",
            connect_ratio is not None and connect_ratio <= 3,
        )
    if alerts:
        rss = alerts.get("server_rss_mb_idle_sockets")
        check(f"{alerts['sockets']} sockets in one process under 250 MB", f"{rss} MB", rss is not None and rss < 250)
    if storm := results.get("storm"):
        redis = storm["redis_connections_of_server"]
        clean = not storm["connect"]["failed"] and not storm["server_errors"]
        check(
            "connect storm: no server error",
            f"{storm['connect']['opened']} opened, failed {storm['connect']['failed'] or 0}, "
            f"{len(storm['server_errors'])} error lines",
            clean,
        )
        check(
            "Redis connections back to the baseline",
            f"{redis['before']} -> {redis['while_held']} -> {redis['after']}",
            redis["after"] <= redis["before"],
        )
    if restart := results.get("restart"):
        recovered, hands = restart["full_recovery_s"], restart["hands_by_http"]
        check(
            "restart storm: every socket back in under 10 s",
            f"{restart['reconnected']}/{restart['sockets']} in {recovered} s",
            recovered is not None and recovered < 10,
        )
        check(
            "restart storm: 0 raised hands lost",
            f"{hands['lost']} lost of {hands['sent']} raised by HTTP meanwhile",
            hands["lost"] == 0 and hands["sent"] > 0,
        )
    if pages := results.get("pages"):
        for name, figures in pages["pages"].items():
            p95 = figures["server_p95_ms"]
            check(f"{name}: p95 under 200 ms", f"{p95} ms", p95 is not None and p95 < 200 and not figures["failed"])
            q = figures["queries"]
            check(f"{name}: queries flat", f"{q['big_group']} (big) / {q['small_group']} (small)", q["flat"])
    return checks


def brief_alerts(r: dict) -> str:
    lat = r["latency"]
    return (
        f"{r['sockets']} sockets, p50 {lat['p50_ms']} / p99 {lat['p99_ms']} / max {lat['max_ms']} ms, "
        f"lost {r['lost']} of {r['sent']}, errors {r['errors'] or 0}, "
        f"connect {r['connect']['members']['seconds']} s, RSS {r.get('server_rss_mb_idle_sockets')} MB"
    )


def brief_restart(r: dict) -> str:
    hands = r["hands_by_http"]
    return (
        f"{r['reconnected']}/{r['sockets']} back, all in {r['full_recovery_s']} s (server up again after "
        f"{r['server_back_s']} s; p50 {r['reconnect_p50_s']} s, p95 {r['reconnect_p95_s']} s); hands by HTTP "
        f"during the outage: {hands['sent']} sent, {hands['answered_done']} done, {hands['seen_by_leaders']} seen "
        f"by the leaders; curve {' '.join(f'{s}s:{n}' for s, n in r['curve'])}"
    )


def brief_broadcast(r: dict) -> str:
    first = r["steps"][0]
    return (
        f"{r['receivers']} members, last member p50 {first['last_member']['p50_ms']} / "
        f"p99 {first['last_member']['p99_ms']} ms at {first['messages_per_s']}/s; "
        f"sustained {r['sustained_frames_per_s']} frames/s "
        f"(steps: {', '.join(str(s['frames_per_s']) + '@p99=' + str(s['last_member']['p99_ms']) for s in r['steps'])})"
    )


FLOOR_LABELS = {
    "alerts": "the app",
    "floor": "floor: bare relay through Channels",
    "floor_plain": "floor without Channels (plain ASGI)",
}


def floor_rows(results: dict) -> list[tuple[str, dict]]:
    """The app and the two floors side by side: what the app adds, and what Channels itself costs."""
    return [(label, results[key]) for key, label in FLOOR_LABELS.items() if key in results]


def table(results: dict, checks: list[dict]) -> str:
    lines = ["", "target".ljust(52) + "figure".ljust(62) + "met", "-" * 118]
    for c in checks:
        mark = "yes" if c["met"] else ("NO" if c["met"] is False else "-")
        lines.append(c["target"][:51].ljust(52) + str(c["figure"])[:61].ljust(62) + mark)
    if floors := floor_rows(results):
        lines += ["", "the same alert traffic".ljust(40) + "p50/p99 ms".ljust(18) + "CPU/alert".ljust(12)
                  + "connect 1,000".ljust(15) + "CPU/connect".ljust(13) + "RSS MB", "-" * 105]  # fmt: skip
        for label, r in floors:
            lines.append(
                label.ljust(40)
                + f"{r['latency']['p50_ms']}/{r['latency']['p99_ms']}".ljust(18)
                + f"{r['server_cpu_ms_per_alert']} ms".ljust(12)
                + f"{r['connect']['members']['seconds']} s".ljust(15)
                + f"{r.get('server_cpu_ms_per_connect')} ms".ljust(13)
                + str(r.get("server_rss_mb_idle_sockets"))
            )
    if compare := results.get("compare"):
        lines += [
            "",
            "server+layer".ljust(16) + "alert p50/p99".ljust(15) + "floor p99".ljust(11) + "lost".ljust(6)
            + "CPU/alert".ljust(11) + "RSS MB".ljust(8) + "bcast p99".ljust(11) + "frames/s".ljust(10) + "CPU/frame",
            "-" * 100,
        ]  # fmt: skip
        for label, e in compare.items():
            a, f, b = e["alerts"], e["floor"], e["broadcast"]
            cpu_frame = min((s["server_cpu_us_per_frame"] for s in b["steps"]), default=None)
            lines.append(
                label.ljust(16)
                + f"{a['latency']['p50_ms']}/{a['latency']['p99_ms']}".ljust(15)
                + str(f["latency"]["p99_ms"]).ljust(11)
                + str(a["lost"]).ljust(6)
                + f"{a['server_cpu_ms_per_alert']} ms".ljust(11)
                + str(a.get("server_rss_mb_idle_sockets")).ljust(8)
                + str(b["steps"][0]["last_member"]["p99_ms"]).ljust(11)
                + str(b["sustained_frames_per_s"]).ljust(10)
                + f"{cpu_frame} us"
            )
    return "\n".join(lines)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# --- main ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="about a minute, smaller N")
    mode.add_argument("--smoke", action="store_true", help="a few sockets for a few seconds (the smoke test)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    parser.add_argument(
        "--server", choices=("uvicorn", "uvicorn-deflate", "daphne"), help="instead of docker-compose.yml's server"
    )
    parser.add_argument("--layer", choices=LAYERS, help="instead of docker-compose.yml's channel layer")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else QUICK if args.quick else FULL
    # Quick mode leaves out the server/layer comparison unless asked for it (--only compare).
    only = [s for s in args.only.split(",") if s] or [s for s in SCENARIOS if s != "compare" or plan is FULL]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")

    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if plan is SMOKE:  # its own small data set: never mixed with the full one
        database_url += "_smoke"
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    env = configure_environment(database_url, redis_url)
    raise_fd_limit()
    started = time.time()
    say(f"Benchmark ({plan.name}) on {database_url.rsplit('/', 1)[1]} and {redis_url}; load average {load_average()}")
    if env["DB_POOL"] != "true":
        say("NOTE: docker-compose.yml runs without the connection pool, so this run does too.")

    from bench.data import ensure_database

    ensure_database(database_url)
    import django

    django.setup()
    import redis as redis_client

    from bench.data import ensure_data, migrate

    migrate()
    fixture = ensure_data(plan.data, log=say)
    log_dir = RESULTS / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        plan=plan,
        env=env,
        fixture=fixture,
        log_dir=log_dir,
        production=(args.server or production_choice()[0], args.layer or production_choice()[1]),
        redis=redis_client.Redis.from_url(redis_url),
    )
    meta = {
        "plan": asdict(plan),
        "machine_before": machine(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "python": sys.version.split()[0],
        "measured": {"server": ctx.production[0], "layer": ctx.production[1]},
        "production": dict(zip(("server", "layer"), production_choice(), strict=True)),
        "db_pool": env["DB_POOL"] == "true",
    }
    say(f"Measuring {ctx.production[0]} with the {ctx.production[1]} channel layer (production: {production_choice()})")
    steps = {
        "alerts": scenario_alerts,
        "broadcast": scenario_broadcast,
        "capacity": scenario_capacity,
        "restart": scenario_restart,
        "scale_out": scenario_scale_out,
        "pages": scenario_pages,
        "compare": scenario_compare,
    }
    machine_during = {}  # scenario -> how busy the whole machine was meanwhile
    try:
        for name in SCENARIOS:
            if name in only:
                with MachineMeter() as meter:
                    steps[name](ctx)
                machine_during[name] = meter.figures
                say(f"   (machine: {meter.figures['busy_cores']} of {os.cpu_count()} cores busy in all)")
    finally:
        from bench.data import reset_rooms

        reset_rooms(fixture)
        clear_layer(ctx.redis)
    checks = evaluate(ctx.results)
    meta["machine_after"] = machine()
    meta["machine_during"] = machine_during
    meta["seconds"] = round(time.time() - started)
    output = {"meta": meta, "results": ctx.results, "targets": checks}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=2) + "\n")
    say(table(ctx.results, checks))
    say(f"\nWrote {args.output} in {meta['seconds']} s. Load average now {meta['machine_after']['load_average']}.")
    return 0
