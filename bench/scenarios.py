"""The scenarios: each opens real sockets to real server processes, drives traffic, and returns figures.

A scenario never decides pass or fail; bench/run.py compares its figures with the targets.
"""

import asyncio
import contextlib
import json
import time
from collections import Counter, deque
from dataclasses import dataclass

from bench.clients import (
    Peer,
    close_all,
    get,
    keep_open,
    open_all,
    open_at_rate,
    open_form_page,
    post_form,
    sleep_until,
)
from bench.data import Person, Room
from bench.servers import Server
from bench.stats import CpuMeter, percentile, summary_ms


@dataclass
class Endpoint:
    """Where a socket goes: the live room (signed in by cookie) or the bare relay (bench/floor.py)."""

    server: Server
    floor: bool = False

    def peer(self, room: Room, person: Person, *, is_leader: bool = False, on_message=None) -> Peer:
        if self.floor:
            role = "leader" if is_leader else "member"
            url = f"ws://{self.server.host}/ws/floor/{room.session_id}/?role={role}&user={person.user_id}"
        else:
            url = f"ws://{self.server.host}/ws/sessions/{room.session_id}/"
        return Peer(
            url=url,
            cookie="" if self.floor else person.cookie,
            session_id=room.session_id,
            user_id=person.user_id,
            is_leader=is_leader,
            on_message=on_message,
        )


def abandon(peers: list[Peer]) -> None:
    """Drop client sockets at once (the servers are stopped right after, so nobody waits for a goodbye)."""
    for peer in peers:
        if peer.ws is not None:
            peer.ws.transport.abort()


async def settle(servers: list[Server], *, quiet_cpu: float = 0.05, timeout: float = 30) -> float:
    """Wait until the servers stop working (CPU use below `quiet_cpu` of a core for a second)."""
    started = time.perf_counter()
    last = sum(s.cpu_seconds() for s in servers)
    while time.perf_counter() - started < timeout:
        await asyncio.sleep(1)
        now = sum(s.cpu_seconds() for s in servers)
        if now - last < quiet_cpu:
            break
        last = now
    return round(time.perf_counter() - started, 1)


# --- 1, 2, 5: alert latency, member -> leader ------------------------------------------------------


async def alert_latency(
    leader_side: Endpoint,
    member_side: Endpoint,
    rooms: list[Room],
    *,
    members_per_room: int,
    rate: float,
    duration: float,
    grace: float = 5.0,
    on_idle=None,
) -> dict:
    """Members raise hands at `rate` per second in total (rooms in turn); time until their leader's socket has it.

    A member whose hand is up lowers it once the leader has seen it, so they can raise it again later
    (only needed when there are fewer members than alerts). `on_idle()` runs once every socket is open
    and quiet, before the traffic starts (the runner reads the server's memory there).
    """
    sent_at: dict[tuple[int, int], float] = {}
    latencies: list[float] = []
    errors: Counter = Counter()
    idle: dict[int, deque] = {room.session_id: deque() for room in rooms}
    members_by_key: dict[tuple[int, int], Peer] = {}
    background: set[asyncio.Task] = set()
    reuse = rate * duration > len(rooms) * members_per_room

    def on_leader(peer: Peer, text: str, at: float) -> None:
        if '"alert"' not in text:
            return
        message = json.loads(text)
        alert = message.get("alert") or {}
        if message.get("type") != "alert" or alert.get("kind") != "hand" or alert.get("lowered_at"):
            return
        key = (peer.session_id, alert["user_id"])
        started = sent_at.pop(key, None)
        if started is None:
            return
        latencies.append(at - started)
        if reuse:
            member = members_by_key[key]
            member.state = "lowering"
            task = asyncio.ensure_future(member.send({"type": "lower_hand"}))
            background.add(task)
            task.add_done_callback(background.discard)

    def on_member(peer: Peer, text: str, at: float) -> None:
        if '"error"' in text:
            message = json.loads(text)
            if message.get("type") == "error":
                errors[message.get("code", "?")] += 1
        elif peer.state == "lowering" and '"done"' in text:
            message = json.loads(text)
            if message.get("type") == "done" and message.get("action") == "lower_hand":
                peer.state = "idle"
                idle[peer.session_id].append(peer)

    leaders = [leader_side.peer(room, room.leader, is_leader=True, on_message=on_leader) for room in rooms]
    members = []
    for room in rooms:
        for person in room.members[:members_per_room]:
            peer = member_side.peer(room, person, on_message=on_member)
            members.append(peer)
            members_by_key[(room.session_id, person.user_id)] = peer
    servers = list({id(side.server): side.server for side in (leader_side, member_side)}.values())
    connect_leaders = await open_all(leaders)
    await settle(servers)
    cpu_before_connect = sum(s.cpu_seconds() for s in servers)
    connect_members = await open_all(members)
    await settle(servers)
    cpu_connect = sum(s.cpu_seconds() for s in servers) - cpu_before_connect  # with the settling's idle seconds
    for peer in members:
        if peer.ws is not None and peer.first.done() and not peer.first.exception():
            idle[peer.session_id].append(peer)
    idle_figures = on_idle() if on_idle else {}

    planned = int(rate * duration)
    sent = skipped = 0
    lag_max = 0.0
    cpu_before = sum(s.cpu_seconds() for s in servers)
    traffic_started_at = time.time()
    with CpuMeter() as client_cpu:
        started = time.perf_counter()
        for n in range(planned):
            due = started + n / rate
            await sleep_until(due)
            lag_max = max(lag_max, time.perf_counter() - due)
            queue = idle[rooms[n % len(rooms)].session_id]
            if not queue:
                skipped += 1  # every member of this room has a hand up: nobody to raise one
                continue
            member = queue.popleft()
            member.state = "raised"
            sent_at[(member.session_id, member.user_id)] = time.perf_counter()
            await member.send({"type": "raise_hand"})
            sent += 1
        deadline = time.perf_counter() + grace
        while sent_at and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
    result = {
        "sockets": len(leaders) + len(members),
        "traffic_window": [round(traffic_started_at, 1), round(time.time(), 1)],
        "connect": {"leaders": connect_leaders.as_dict(), "members": connect_members.as_dict()},
        "server_cpu_ms_per_connect": round(cpu_connect * 1000 / max(connect_members.opened, 1), 2),
        "rate_per_s": rate,
        "duration_s": duration,
        "sent": sent,
        "received": len(latencies),
        "lost": len(sent_at),
        "skipped": skipped,
        "errors": dict(errors),
        "latency": summary_ms(latencies),
        "server_cpu_ms_per_alert": round((sum(s.cpu_seconds() for s in servers) - cpu_before) * 1000 / max(sent, 1), 2),
        "client_cpu_share": client_cpu.share,
        "client_schedule_lag_max_ms": round(lag_max * 1000, 2),
        **idle_figures,
    }
    abandon(leaders + members)
    return result


# --- 3, 5: room broadcast ------------------------------------------------------------------------------


async def broadcast(
    leader_side: Endpoint,
    member_sides: list[Endpoint],
    room: Room,
    *,
    members: int,
    steps: list[tuple[float, float]],
    grace: float = 5.0,
    stop_above_s: float = 1.0,
    on_idle=None,
) -> dict:
    """Chat messages to everyone in one room, at each (rate, seconds) step in turn.

    For each message: the time from sending it until the last member's socket has it. Members are
    spread over `member_sides` in turn (two servers: half on each). Steps stop early once p99 passes
    `stop_above_s` or a delivery is lost; `sustained_frames_per_s` is the best step that did neither.
    """
    sent_at: dict[int, float] = {}
    count: Counter = Counter()
    last: dict[int, float] = {}
    frames = 0
    errors: Counter = Counter()

    def on_message(peer: Peer, text: str, at: float) -> None:
        nonlocal frames
        if '"chat"' in text:
            message = json.loads(text)
            if message.get("type") == "chat":
                frames += 1
                if not peer.is_leader:
                    seq = int(message["text"][2:])
                    count[seq] += 1
                    last[seq] = at
                return
        if '"error"' in text:
            message = json.loads(text)
            if message.get("type") == "error":
                errors[message.get("code", "?")] += 1

    leader = leader_side.peer(room, room.leader, is_leader=True, on_message=on_message)
    people = [
        member_sides[n % len(member_sides)].peer(room, person, on_message=on_message)
        for n, person in enumerate(room.members[:members])
    ]
    connect_leader = await open_all([leader])
    connect_members = await open_all(people)
    servers = list({id(side.server): side.server for side in [leader_side, *member_sides]}.values())
    await settle(servers)
    listening = [p for p in people if p.first.done() and not p.first.exception()]
    receivers = len(listening)
    if on_idle:
        on_idle()

    seq = 0
    results = []
    for rate, seconds in steps:
        first_seq = seq
        frames_before = frames
        errors_before = sum(errors.values())
        cpu_before = sum(s.cpu_seconds() for s in servers)
        with CpuMeter() as client_cpu:
            started = time.perf_counter()
            for n in range(int(rate * seconds)):
                await sleep_until(started + n / rate)
                sender = listening[seq % len(listening)]
                sent_at[seq] = time.perf_counter()
                await sender.send({"type": "chat", "text": f"b:{seq}"})
                seq += 1
            deadline = time.perf_counter() + grace
            step_seqs = range(first_seq, seq)
            while time.perf_counter() < deadline and any(count[s] < receivers for s in step_seqs):
                await asyncio.sleep(0.05)
        complete = [last[s] - sent_at[s] for s in step_seqs if count[s] >= receivers]
        lost = sum(receivers - min(count[s], receivers) for s in step_seqs)
        ended = max((last[s] for s in step_seqs if s in last), default=started)
        step_frames = frames - frames_before
        span = max(ended - started, seconds)
        server_cpu = sum(s.cpu_seconds() for s in servers) - cpu_before
        step = {
            "messages_per_s": rate,
            "seconds": seconds,
            "messages": len(step_seqs),
            "frames": step_frames,
            "frames_per_s": round(step_frames / span),
            "lost_deliveries": lost,
            "errors": sum(errors.values()) - errors_before,
            "last_member": summary_ms(complete),
            "server_cpu_share": round(server_cpu / span, 2),
            "server_cpu_us_per_frame": round(server_cpu * 1e6 / max(step_frames, 1), 1),
            "client_cpu_share": client_cpu.share,
        }
        results.append(step)
        p99 = step["last_member"]["p99_ms"]
        if lost or p99 is None or p99 > stop_above_s * 1000:
            break
    limit_ms = stop_above_s * 1000
    good = [s for s in results if not s["lost_deliveries"] and (s["last_member"]["p99_ms"] or 1e9) <= limit_ms]
    summary = {
        "receivers": receivers,
        "connect": {"leader": connect_leader.as_dict(), "members": connect_members.as_dict()},
        "steps": results,
        "errors": dict(errors),
        "sustained_frames_per_s": max((s["frames_per_s"] for s in good), default=0),
    }
    abandon([leader, *people])
    return summary


# --- 4: capacity: a connect storm -------------------------------------------------------------------


async def connect_storm(server: Server, rooms: list[Room], *, count: int, per_second: float, redis) -> dict:
    """Open `count` member sockets at `per_second`, hold them, close them all; the server must not fail and
    its Redis connections must come back to where they were before."""
    warm = Endpoint(server).peer(rooms[0], rooms[0].members[0])
    await open_all([warm])
    await close_all([warm])
    await settle([server])
    baseline = server.redis_connections()
    info_before = redis.info("clients")["connected_clients"]

    people = [(room, person) for room in rooms for person in room.members]
    peers = [Endpoint(server).peer(room, person) for room, person in people[:count]]
    report = await open_at_rate(peers, per_second=per_second)
    await settle([server])
    held = server.redis_connections()
    rss_held = server.rss_mb()
    dropped = Counter(p.closed_code for p in peers if p.closed_code is not None)
    closing = time.perf_counter()
    await close_all(peers)
    await settle([server])
    deadline = time.perf_counter() + 20
    after = server.redis_connections()
    while after > baseline and time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
        after = server.redis_connections()
    return {
        "connections": count,
        "per_second": per_second,
        "connect": report.as_dict(),
        "closed_by_server_while_open": {str(k): v for k, v in dropped.items()},
        "server_errors": server.errors()[:20],
        "rss_mb_while_held": round(rss_held, 1),
        "redis_connections_of_server": {"before": baseline, "while_held": held, "after": after},
        "redis_connected_clients_all": {"before": info_before, "after": redis.info("clients")["connected_clients"]},
        "close_and_settle_s": round(time.perf_counter() - closing, 1),
    }


# --- 7: a restart storm -------------------------------------------------------------------------------


async def restart_storm(
    end: Endpoint,
    restart,
    rooms: list[Room],
    *,
    members_per_room: int,
    hands_per_room: int,
    limit_s: float = 60,
) -> dict:
    """Kill the server holding every socket mid-session (SIGKILL: no goodbye) and start it again.

    Every socket comes back the way the room page brings it back (back-off with jitter, bench/clients.py:
    keep_open). Meanwhile `hands_per_room` members of each room raise a hand through the page's HTTP
    fallback (the socket is down), trying again each second until the server answers, as a person
    would; once everyone is back, each leader asks for the room again (a heartbeat brings the snapshot)
    and must see every one of those hands. `restart()` kills the server and starts it on the same port,
    returning the seconds until it accepts connections again.
    """
    host, port = "127.0.0.1", end.server.port
    snapshots: dict[int, dict] = {}

    def on_leader(peer: Peer, text: str, at: float) -> None:
        if '"pong"' in text:
            message = json.loads(text)
            if message.get("type") == "pong" and message.get("snapshot"):
                snapshots[peer.session_id] = message["snapshot"]

    leaders = [end.peer(room, room.leader, is_leader=True, on_message=on_leader) for room in rooms]
    members = [end.peer(room, person) for room in rooms for person in room.members[:members_per_room]]
    peers = leaders + members
    connect_leaders = await open_all(leaders)
    connect_members = await open_all(members)
    await settle([end.server])
    raisers = [(room, person) for room in rooms for person in room.members[:hands_per_room]]
    pages = [
        await open_form_page(host, port, f"/sessions/{room.session_id}/room/", cookie=person.cookie)
        for room, person in raisers
    ]

    stop = asyncio.Event()
    back_at: list[float] = []
    holders = [
        asyncio.create_task(keep_open(p, stop=stop, on_open=lambda _p, at: back_at.append(at)))
        for p in peers
        if p.ws is not None
    ]
    hands: list[dict] = []

    async def raise_by_http(room: Room, person: Person, page) -> None:
        started = time.perf_counter()
        tries = 0
        while time.perf_counter() - started < limit_s:
            tries += 1
            try:
                answer = await post_form(host, port, f"/sessions/{room.session_id}/room/action/", page,
                                         {"action": "raise_hand"})  # fmt: skip
            except (TimeoutError, OSError, ValueError):
                await asyncio.sleep(1)  # the server is down: the person tries again
                continue
            hands.append({"session_id": room.session_id, "user_id": person.user_id, "answer": answer.get("type"),
                          "code": answer.get("code"), "tries": tries,
                          "answered_s": round(time.perf_counter() - killed_at, 2)})  # fmt: skip
            return
        hands.append({"session_id": room.session_id, "user_id": person.user_id, "answer": None, "tries": tries})

    killed_at = time.perf_counter()
    restarting = asyncio.create_task(asyncio.to_thread(restart))
    await asyncio.sleep(0.2)  # the sockets have seen the close: the page's fallback takes over
    fallback = [
        asyncio.create_task(raise_by_http(room, person, page))
        for (room, person), page in zip(raisers, pages, strict=True)
    ]
    server_back_s = await restarting
    deadline = killed_at + limit_s
    while len(back_at) < len(holders) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.gather(*fallback)
    recovered_s = (max(back_at) - killed_at) if back_at and len(back_at) == len(holders) else None

    for leader in leaders:  # a leader's heartbeat brings the whole room: the hands raised meanwhile among it
        if leader.ws is not None:
            with contextlib.suppress(Exception):
                await leader.send({"type": "ping"})
    wait_until = time.perf_counter() + 10
    while len(snapshots) < len(leaders) and time.perf_counter() < wait_until:
        await asyncio.sleep(0.1)
    raised_up = {
        (session_id, a["user_id"])
        for session_id, snap in snapshots.items()
        for a in snap["alerts"]
        if a["kind"] == "hand" and not a["lowered_at"]
    }
    done = [h for h in hands if h["answer"] == "done"]
    seen = [h for h in done if (h["session_id"], h["user_id"]) in raised_up]
    stop.set()
    for task in holders:
        task.cancel()
    abandon(peers)
    offsets = sorted(at - killed_at for at in back_at)
    curve = [[second, sum(1 for o in offsets if o <= second)] for second in range(int(limit_s) + 1)]
    last = next((n for n, (_, count) in enumerate(curve) if count == len(holders)), len(curve) - 1)
    return {
        "sockets": len(holders),
        "connect": {"leaders": connect_leaders.as_dict(), "members": connect_members.as_dict()},
        "server_back_s": round(server_back_s, 2),
        "reconnected": len(back_at),
        "full_recovery_s": round(recovered_s, 2) if recovered_s is not None else None,
        "reconnect_p50_s": _r(percentile(offsets, 50)),
        "reconnect_p95_s": _r(percentile(offsets, 95)),
        "curve": curve[: last + 2],  # [seconds after the kill, sockets back by then]
        "hands_by_http": {
            "sent": len(hands),
            "answered_done": len(done),
            "refused": Counter(h.get("code") or "none" for h in hands if h["answer"] != "done"),
            "seen_by_leaders": len(seen),
            "lost": len(hands) - len(seen),
            "tries_max": max((h["tries"] for h in hands), default=0),
        },
        "leaders_with_snapshot": len(snapshots),
    }


# --- 6: pages --------------------------------------------------------------------------------------


async def pages(
    server: Server, pages: dict[str, tuple[str, str]], *, rate: float, duration: float, on_idle=None
) -> dict:
    """GET each page in turn at `rate` requests per second in total, as the person it is for."""
    host, port = "127.0.0.1", server.port
    names = list(pages)
    for name in names:  # warm up: first requests load templates and fill caches
        path, cookie = pages[name]
        for _ in range(2):
            await get(host, port, path, cookie=cookie)
    responses: dict[str, list] = {name: [] for name in names}
    if on_idle:
        on_idle()

    timeline: list[tuple[float, str, float]] = []  # (seconds into the run, page, server ms)

    async def one(name: str) -> None:
        path, cookie = pages[name]
        try:
            sent = time.perf_counter() - started
            response = await get(host, port, path, cookie=cookie)
            responses[name].append(response)
            timeline.append((round(sent, 2), name, response.server_ms))
        except Exception as exc:
            responses[name].append(exc)

    tasks = []
    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    for n in range(int(rate * duration)):
        await sleep_until(started + n / rate)
        tasks.append(asyncio.create_task(one(names[n % len(names)])))
    await asyncio.gather(*tasks)
    cpu_ms_per_request = (server.cpu_seconds() - cpu_before) * 1000 / max(len(tasks), 1)
    out = {}
    for name in names:
        ok = [r for r in responses[name] if not isinstance(r, Exception) and r.status == 200]
        failed = Counter(
            type(r).__name__ if isinstance(r, Exception) else f"http_{r.status}"
            for r in responses[name]
            if isinstance(r, Exception) or r.status != 200
        )
        server_ms = [r.server_ms for r in ok if r.server_ms is not None]
        client_ms = [r.client_ms for r in ok]
        out[name] = {
            "path": pages[name][0],
            "requests": len(responses[name]),
            "failed": dict(failed),
            "server_p50_ms": _r(percentile(server_ms, 50)),
            "server_p95_ms": _r(percentile(server_ms, 95)),
            "client_p50_ms": _r(percentile(client_ms, 50)),
            "client_p95_ms": _r(percentile(client_ms, 95)),
            "bytes": ok[0].size if ok else 0,
        }
    return {
        "rate_per_s": rate,
        "duration_s": duration,
        "server_cpu_ms_per_request": round(cpu_ms_per_request, 1),
        "slowest": sorted(timeline, key=lambda t: -(t[2] or 0))[:10],
        "pages": out,
    }


def _r(value):
    return None if value is None else round(value, 1)
