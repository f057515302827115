"""A results file as the Markdown tables of docs/performance.md (the first, the targets, is the README's too).

python -m bench.report [bench/results/latest.json]
"""

import json
import sys
from pathlib import Path

from bench.run import brief_restart, floor_rows

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def markdown(data: dict) -> str:
    meta, results = data["meta"], data["results"]
    before, after = meta["machine_before"], meta["machine_after"]
    busy = ", ".join(f"{name} {m['busy_cores']}" for name, m in meta.get("machine_during", {}).items())
    lines = [
        f"Run of {meta['started_at']} (commit {meta['commit']}, {meta['plan']['name']} plan, {meta['seconds']} s): "
        f"{before['cores']} cores ({before['cpu_model']}), {before['memory_gib']} GiB; "
        f"{meta['measured']['server']} with the {meta['measured']['layer']} channel layer, "
        f"connection pool {'on' if meta.get('db_pool') else 'off'}. Load average before "
        f"{before['load_average']}, after {after['load_average']}; cores busy (whole machine) during each "
        f"scenario: {busy}.",
        "",
        "| target | figure | met |",
        "|---|---|---|",
    ]
    for check in data["targets"]:
        lines.append(f"| {check['target']} | {check['figure']} | {'yes' if check['met'] else '**no**'} |")
    if floors := floor_rows(results):
        lines += [
            "",
            "| the same alert traffic | p50 / p99 | server CPU per alert | connect 1,000 | server CPU per connect "
            "| RSS |",
            "|---|---|---|---|---|---|",
        ]
        for label, r in floors:
            lines.append(
                f"| {label} | {r['latency']['p50_ms']} / {r['latency']['p99_ms']} ms "
                f"| {r['server_cpu_ms_per_alert']} ms | {r['connect']['members']['seconds']} s "
                f"| {r.get('server_cpu_ms_per_connect')} ms "
                f"| {r.get('server_rss_mb_idle_sockets')} MB |"
            )
    if compare := results.get("compare"):
        lines += [
            "",
            "| server + layer | alert p50 / p99 | floor p99 | alert server CPU | RSS, 1,010 sockets "
            "| broadcast p99 (10/s) | frames/s sustained | server CPU per frame |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for label, entry in compare.items():
            a, f, b = entry["alerts"], entry["floor"], entry["broadcast"]
            per_frame = min((s["server_cpu_us_per_frame"] for s in b["steps"]), default=None)
            lines.append(
                f"| {label} | {a['latency']['p50_ms']} / {a['latency']['p99_ms']} ms | {f['latency']['p99_ms']} ms "
                f"| {a['server_cpu_ms_per_alert']} ms | {a.get('server_rss_mb_idle_sockets')} MB "
                f"| {b['steps'][0]['last_member']['p99_ms']} ms | {b['sustained_frames_per_s']} | {per_frame} µs |"
            )
    if restart := results.get("restart"):
        lines += ["", f"Restart storm: {brief_restart(restart)}."]
    if scale := results.get("scale_out"):
        one = results.get("broadcast", {}).get("sustained_frames_per_s")
        lines += [
            "",
            f"Two processes: alert p50 / p99 {scale['alerts']['latency']['p50_ms']} / "
            f"{scale['alerts']['latency']['p99_ms']} ms with every leader on the other process than their members "
            f"({scale['alerts']['lost']} lost of {scale['alerts']['sent']}); broadcast "
            f"{scale['broadcast']['sustained_frames_per_s']} frames/s sustained over both, against {one} on one.",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS
    print(markdown(json.loads(path.read_text())))
