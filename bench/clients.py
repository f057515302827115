"""The benchmark's clients: many websockets in one asyncio process, and a bare HTTP/1.1 GET.

Every frame is timestamped with time.perf_counter() the moment it is read; senders and receivers
live in this one process, so a latency is two readings of the same clock.
"""

import asyncio
import contextlib
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

ORIGIN = "http://127.0.0.1"


@dataclass(eq=False)
class Peer:
    """One websocket: a leader or a member of one room, on one server."""

    url: str
    cookie: str
    session_id: int
    user_id: int
    is_leader: bool = False
    on_message: Callable | None = None  # (peer, text, received_at) -> None
    ws: object = None
    first: asyncio.Future | None = None  # the welcome (member) or snapshot (leader)
    reader: asyncio.Task | None = None
    closed_code: int | None = None
    state: str = "idle"  # for the alert scenario: idle -> raised -> lowering -> idle

    async def open(self, *, timeout: float = 60) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(
            self.url,
            origin=ORIGIN,
            additional_headers=headers,
            open_timeout=timeout,
            ping_interval=None,  # the room has its own heartbeat; idle sockets stay idle
            close_timeout=5,
            max_queue=None,  # read everything as it comes: a full queue would hold back the server
        )
        self.first = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                received = time.perf_counter()
                if not self.first.done():
                    self.first.set_result(json.loads(text))
                    continue
                if self.on_message is not None:
                    self.on_message(self, text, received)
        except ConnectionClosed:
            pass
        finally:
            if self.ws.close_code is not None:
                self.closed_code = self.ws.close_code
            if not self.first.done():
                self.first.set_exception(ConnectionError(f"closed before its first message ({self.closed_code})"))

    async def send(self, payload: dict) -> None:
        await self.ws.send(json.dumps(payload))

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):  # already gone: nothing to do
                await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


@dataclass
class ConnectReport:
    opened: int = 0
    failed: Counter = field(default_factory=Counter)  # reason -> count
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"opened": self.opened, "failed": dict(self.failed), "seconds": round(self.seconds, 2)}


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, InvalidStatus):
        return f"http_{exc.response.status_code}"
    return type(exc).__name__


async def open_all(peers: list[Peer], *, concurrency: int = 50, timeout: float = 60) -> ConnectReport:
    """Open sockets (at most `concurrency` handshakes at a time) and wait for each one's first message."""
    report = ConnectReport()
    gate = asyncio.Semaphore(concurrency)
    started = time.perf_counter()

    async def one(peer: Peer) -> None:
        async with gate:
            try:
                await peer.open(timeout=timeout)
                await asyncio.wait_for(asyncio.shield(peer.first), timeout)
                report.opened += 1
            except Exception as exc:
                report.failed[failure_reason(exc)] += 1

    await asyncio.gather(*(one(peer) for peer in peers))
    report.seconds = time.perf_counter() - started
    return report


async def open_at_rate(peers: list[Peer], *, per_second: float, timeout: float = 60) -> ConnectReport:
    """A connect storm: start a handshake every 1/per_second seconds, whether or not earlier ones finished."""
    report = ConnectReport()
    started = time.perf_counter()

    async def one(peer: Peer) -> None:
        try:
            await peer.open(timeout=timeout)
            await asyncio.wait_for(asyncio.shield(peer.first), timeout)
            report.opened += 1
        except Exception as exc:
            report.failed[failure_reason(exc)] += 1

    tasks = []
    for n, peer in enumerate(peers):
        await sleep_until(started + n / per_second)
        tasks.append(asyncio.create_task(one(peer)))
    await asyncio.gather(*tasks)
    report.seconds = time.perf_counter() - started
    return report


# The room page's reconnecting, as static/js/socket.js does it: these steps of back-off, each with ±20 % jitter,
# from the first step again once a socket has opened; never again after these close codes.
BACKOFF_S = (1, 2, 4, 8, 15, 30)
FINAL_CLOSE_CODES = frozenset({4001, 4002, 4003})


def backoff_delay(attempt: int) -> float:
    """static/js/socket.js's scheduleRetry: the attempt's step of the back-off, with jitter."""
    return BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)] * (0.8 + random.random() * 0.4)


async def keep_open(peer: Peer, *, stop: asyncio.Event, on_open: Callable, timeout: float = 60) -> None:
    """Hold an open peer's socket as the room page does: each time it closes, reconnect with back-off and jitter
    until it is open again (its first message read). `on_open(peer, at)` after each reconnection. A browser's
    WebSocket has no handshake time-out of its own, so a slow handshake is waited for (up to `timeout`)."""
    while not stop.is_set():
        await asyncio.gather(peer.reader, return_exceptions=True)  # until the socket closes
        if stop.is_set() or peer.closed_code in FINAL_CLOSE_CODES:
            return
        attempt = 0
        while not stop.is_set():
            await asyncio.sleep(backoff_delay(attempt))
            attempt += 1
            try:
                await peer.open(timeout=timeout)
                await asyncio.wait_for(asyncio.shield(peer.first), timeout)
            except Exception:  # refused (the server is not up yet), or closed before its first message
                if peer.ws is not None:
                    peer.ws.transport.abort()
                continue
            on_open(peer, time.perf_counter())
            break


async def close_all(peers: list[Peer], *, concurrency: int = 200) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(peer: Peer) -> None:
        async with gate:
            await peer.close()

    await asyncio.gather(*(one(peer) for peer in peers))


async def sleep_until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


# --- plain HTTP ------------------------------------------------------------------------------------


@dataclass
class PageResponse:
    status: int
    client_ms: float
    server_ms: float | None
    size: int


@dataclass
class FormPage:
    """A page holding a form, as a browser has it: its cookies (with the CSRF cookie) and the form's token."""

    cookie: str
    csrf_token: str


async def open_form_page(host: str, port: int, path: str, *, cookie: str, timeout: float = 30) -> FormPage:
    """GET a page as a browser would, keeping the CSRF cookie it sets and the token its forms carry."""
    head, body = await _request(host, port, f"GET {path} HTTP/1.1\r\nCookie: {cookie}\r\n", b"", timeout)
    cookies = [cookie, *re.findall(r"(?im)^set-cookie: (csrftoken=[^;]+)", head)]
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if found is None:
        raise RuntimeError(f"no form on {path}: {head.splitlines()[0] if head else 'no answer'}")
    return FormPage(cookie="; ".join(cookies), csrf_token=found.group(1).decode())


async def post_form(host: str, port: int, path: str, page: FormPage, fields: dict, *, timeout: float = 10) -> dict:
    """POST a form as static/js/socket.js's postForm does (asking for JSON); the server's JSON answer."""
    from urllib.parse import urlencode

    body = urlencode({"csrfmiddlewaretoken": page.csrf_token, **fields}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nCookie: {page.cookie}\r\nAccept: application/json\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    )
    _, answer = await _request(host, port, head, body, timeout)
    return json.loads(answer)


async def _request(host: str, port: int, head: str, body: bytes, timeout: float) -> tuple[str, bytes]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(f"{head}Host: {host}\r\nConnection: close\r\n\r\n".encode() + body)
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    response_head, _, response_body = data.partition(b"\r\n\r\n")
    return response_head.decode("latin-1"), response_body


async def get(host: str, port: int, path: str, *, cookie: str = "", timeout: float = 30) -> PageResponse:
    """One GET over a new connection (`Connection: close`), read to the end; the server's time from Server-Timing."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        writer.write((request + "\r\n").encode())
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    took = (time.perf_counter() - started) * 1000
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    server_ms = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "server-timing" and "dur=" in value:
            server_ms = float(value.split("dur=", 1)[1].split(";")[0].split(",")[0])
    return PageResponse(status=status, client_ms=took, server_ms=server_ms, size=len(body))
