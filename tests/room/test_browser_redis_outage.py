"""Redis dies mid-session: a hand raised during the outage still reaches the leader's dashboard.

The page falls back to posting the form, the database keeps the hand, and the dashboard polls the
room's snapshot over HTTP while its socket is down. Runs against a PRIVATE redis-server started here
(the machine's shared Redis is never stopped), in the integration run.
"""

import re
import shutil
import subprocess
import time

import pytest
import redis
from playwright.sync_api import expect

from sessions.models import RoomAlert
from tests.fixtures.gates import need_service
from tests.fixtures.servers import free_port
from tests.room.conftest import signed_in_page

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of our own on a free port; `stop()` simulates the outage."""
    binary = shutil.which("redis-server")
    need_service(binary is not None, "redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "private redis-server did not start"
            time.sleep(0.05)

    class PrivateRedis:
        url = f"redis://127.0.0.1:{port}/0"

        @staticmethod
        def stop():
            process.terminate()
            process.wait(timeout=10)

    yield PrivateRedis
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def test_hand_raised_while_redis_is_down_still_reaches_the_dashboard(
    private_redis, live_asgi, browser_context, cast, open_session, settings
):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [private_redis.url]}}
    }
    leader = signed_in_page(browser_context, live_asgi, cast.leader)
    leader.goto(f"{live_asgi.url}/sessions/{open_session.pk}/dashboard/")
    expect(leader.locator("#connection")).to_have_text(re.compile("Live"))
    member = signed_in_page(browser_context, live_asgi, cast.member)
    member.goto(f"{live_asgi.url}/sessions/{open_session.pk}/room/")
    expect(member.locator("#connection")).to_have_text(re.compile("Updates are live"))

    private_redis.stop()
    expect(member.locator("#connection")).to_have_text(re.compile("Reconnecting"), timeout=20_000)
    expect(leader.locator("#connection")).to_have_text(re.compile("Reconnecting"), timeout=20_000)

    member.get_by_role("button", name="Raise my hand").click()
    expect(member.locator("#sr-status")).to_have_text("Your hand is raised. The leaders can see it.")
    assert RoomAlert.objects.raised_hands().filter(user=cast.member).exists()
    expect(leader.locator("#hands")).to_contain_text("Member Mo", timeout=15_000)
    expect(leader.locator("#sr-alert")).to_have_text("Member Mo: Raised hand")
