"""Percentiles and small helpers for the results."""

import math
import os
import resource
import time


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100): the smallest value with at least p% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    """p50 / p99 / max of latencies given in seconds, as milliseconds."""
    as_ms = [s * 1000 for s in seconds]

    def r(x):
        return None if x is None else round(x, 2)

    return {
        "count": len(as_ms),
        "p50_ms": r(percentile(as_ms, 50)),
        "p95_ms": r(percentile(as_ms, 95)),
        "p99_ms": r(percentile(as_ms, 99)),
        "max_ms": r(max(as_ms) if as_ms else None),
    }


class CpuMeter:
    """CPU used by this (client) process over a stretch of wall time, as a share of one core."""

    def __enter__(self):
        self.wall = time.perf_counter()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu = usage.ru_utime + usage.ru_stime
        return self

    def __exit__(self, *exc):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.used = usage.ru_utime + usage.ru_stime - self.cpu
        self.elapsed = time.perf_counter() - self.wall

    @property
    def share(self) -> float:
        return round(self.used / self.elapsed, 2) if self.elapsed else 0.0


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    """The machine as the kernel sees it: cores, memory, and how busy it is right now."""
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": model,
        "load_average": load_average(),
    }


def _cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all cores together, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class MachineMeter:
    """How busy the whole machine was over a stretch of time, in cores (0 to the number of cores), and the
    load average at the end: other programs on the machine slow every figure, so each scenario records it."""

    def __enter__(self):
        self.busy, self.total = _cpu_times()
        return self

    def __exit__(self, *exc):
        busy, total = _cpu_times()
        share = (busy - self.busy) / (total - self.total) if total > self.total else 0.0
        self.figures = {
            "busy_cores": round(share * (os.cpu_count() or 1), 2),
            "load_average_after": load_average(),
        }
