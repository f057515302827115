"""Without REDIS_URL and DATABASE_URL the integration tests are deselected, and the run says so and why."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_run_says_integration_tests_were_deselected_and_why():
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "CI"}}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/integration/test_restore_drill.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "4 integration test(s) deselected: REDIS_URL and DATABASE_URL not set." in result.stdout
    assert "make test-integration" in result.stdout
