"""The benchmark's machinery, at a few sockets for a few seconds (integration run only).

Runs `python -m bench --smoke` as `make bench` would, against a database of its own next to the test
run's (its name ends in `_bench_smoke`) and the test run's Redis. Asserts that every scenario ran and
wrote a well-formed result; never how fast anything was.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.fixtures.gates import need_service

pytestmark = pytest.mark.integration

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"{parts.path}_bench"))


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    need_service(urlsplit(os.environ["DATABASE_URL"]).scheme.startswith("postgres"), "the benchmark needs PostgreSQL")
    output = tmp_path_factory.mktemp("bench") / "result.json"
    env = {**os.environ, "BENCH_DATABASE_URL": bench_database_url(), "BENCH_REDIS_URL": os.environ["REDIS_URL"]}
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(output.read_text())


def test_the_smoke_run_covers_every_scenario(result):
    expected = {"alerts", "floor", "floor_plain", "broadcast", "storm", "restart", "scale_out", "pages"}
    assert set(result["results"]) == expected
    assert result["meta"]["plan"]["name"] == "smoke"
    assert result["meta"]["machine_before"]["cores"] >= 1


def test_every_alert_sent_is_accounted_for(result):
    results = result["results"]
    for alerts in (results["alerts"], results["floor"], results["floor_plain"], results["scale_out"]["alerts"]):
        assert alerts["sent"] > 0
        assert alerts["received"] + alerts["lost"] == alerts["sent"]
        assert alerts["latency"]["count"] == alerts["received"]
        assert alerts["connect"]["members"]["failed"] == {}


def test_broadcast_reports_each_step_it_ran(result):
    for broadcast in (result["results"]["broadcast"], result["results"]["scale_out"]["broadcast"]):
        assert broadcast["receivers"] > 0
        step = broadcast["steps"][0]
        assert step["messages"] > 0
        assert step["frames"] > 0
        assert set(step["last_member"]) == {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms"}


def test_the_connect_storm_opened_every_socket_and_counted_redis_connections(result):
    storm = result["results"]["storm"]
    assert storm["connect"]["opened"] == storm["connections"]
    assert set(storm["redis_connections_of_server"]) == {"before", "while_held", "after"}


def test_the_restart_storm_accounts_for_every_socket_and_hand(result):
    restart, plan = result["results"]["restart"], result["meta"]["plan"]
    assert restart["sockets"] == plan["rooms"] * (plan["members_per_room"] + 1)
    assert 0 <= restart["reconnected"] <= restart["sockets"]
    assert restart["curve"][0][0] == 0
    hands = restart["hands_by_http"]
    assert hands["sent"] == plan["rooms"] * plan["restart_hands_per_room"]
    assert hands["seen_by_leaders"] + hands["lost"] == hands["sent"]


def test_every_page_answered_and_has_its_query_counts(result):
    pages = result["results"]["pages"]["pages"]
    assert set(pages) == {"leader dashboard", "group page", "session list", "admin case list"}
    for figures in pages.values():
        assert figures["failed"] == {}
        assert figures["server_p50_ms"] is not None
        assert figures["queries"]["big_group"] > 0


def test_each_target_names_its_figure(result):
    assert result["targets"]
    for check in result["targets"]:
        assert set(check) == {"target", "figure", "met"}
        assert isinstance(check["met"], bool)
