"""Start and stop the ASGI server processes a scenario talks to, and read what they hold (memory, Redis links)."""

import os
import re
import resource
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_PORT = 6379


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit() -> None:
    """1,000+ sockets need more file descriptors than the usual soft limit of 1,024: take the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@dataclass
class Server:
    """One ASGI server process (uvicorn or daphne) serving `app` on a loopback port."""

    name: str
    kind: str  # "uvicorn" or "daphne"
    app: str  # "module:attribute"
    env: dict
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        if self.kind.startswith("uvicorn"):
            # As docker-compose.yml runs it. "uvicorn-deflate" keeps per-message compression on, to show its cost.
            deflate = "true" if self.kind == "uvicorn-deflate" else "false"
            return [
                str(BIN / "uvicorn"), self.app, "--host", "127.0.0.1", "--port", str(self.port),
                "--no-access-log", "--lifespan", "off", "--log-level", "warning", "--backlog", "4096",
                "--ws-per-message-deflate", deflate, "--no-proxy-headers", "--ws-max-size", "65536",
            ]  # fmt: skip
        if self.kind == "daphne":
            return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), "-v", "0", self.app]
        raise ValueError(f"unknown server {self.kind!r}")

    def start(self, log_dir: Path, *, timeout: float = 30) -> "Server":
        self.log_path = log_dir / f"{self.name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=BASE_DIR,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=raise_fd_limit,  # the server holds every socket: it needs the raised limit too
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} did not start. Its log:\n{self.log()}") from None
                time.sleep(0.1)

    def stop(self, *, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def kill(self) -> None:
        """Stop at once: the scenario is over and its sockets need no goodbye (the next one resets the rooms)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def profile(self, seconds: float, out_dir: Path, *, label: str = "") -> subprocess.Popen | None:
        """With BENCH_PROFILE=1, sample this server with py-spy for `seconds` (a developer aid, not part of a run)."""
        if os.environ.get("BENCH_PROFILE") != "1":
            return None
        path = out_dir / f"profile-{self.name}{'-' + label if label else ''}.txt"
        return subprocess.Popen(
            [str(BIN / "py-spy"), "record", "--pid", str(self.process.pid), "--duration", str(int(seconds)),
             "--format", "raw", "--rate", "200", "--output", str(path), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def errors(self) -> list[str]:
        """What the server logged at WARNING or above (the servers run at that level: anything logged is trouble),
        one line per kind of message with how often it came."""
        markers = ("WARNING", "ERROR", "CRITICAL", "Traceback")
        kinds: dict[str, int] = {}
        for line in self.log().splitlines():
            if any(m in line for m in markers):
                # Timestamps, ports, task names and addresses differ on every line: keep the message's shape.
                shape = re.sub(r"^\S+ \S+ ", "", line)
                shape = re.sub(r"0x[0-9a-f]+|\d+", "N", shape)[:200]
                kinds[shape] = kinds.get(shape, 0) + 1
        return [f"{count} x {shape}" for shape, count in sorted(kinds.items(), key=lambda kv: -kv[1])]

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def redis_connections(self) -> int:
        """TCP connections this process holds to Redis (its channel layer and cache), read from /proc."""
        inodes = set()
        fd_dir = Path(f"/proc/{self.process.pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                parts = line.split()
                remote_port = int(parts[2].rsplit(":", 1)[1], 16)
                established = parts[3] == "01"
                if established and remote_port == REDIS_PORT and parts[9] in inodes:
                    count += 1
        return count
