"""manage.py video_check with 8x8 JaaS: our RS256 JWTs checked with the private key's public half, and the IFrame API
fetched from its JaaS path over real HTTPS on loopback (JITSI_JAAS_DOMAIN pointed at it, as at stage.8x8.vc)."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from tests.video.conftest import JAAS_APP_ID, JAAS_KEY_ID, pem_of
from tests.video.test_jitsi_video_check import iframe_api_over_https


@pytest.fixture
def jaas_https(jaas, tmp_path, monkeypatch):
    with iframe_api_over_https(tmp_path, monkeypatch, f"/{JAAS_APP_ID}/external_api.js") as server:
        jaas.JITSI_JAAS_DOMAIN = f"localhost:{server.server_port}"
        jaas.VIDEO_API_TIMEOUT_SECONDS = 2
        yield server


def test_the_check_passes_and_lists_what_only_the_console_shows(jaas_https):
    out = StringIO()
    call_command("video_check", stdout=out)
    text = out.getvalue()
    assert "FAIL" not in text
    for line in (
        f"signed with RS256 under the key id {JAAS_KEY_ID}",
        "A JWT is for one room of this JaaS app.",
        "A member's JWT is not a moderator's.",
        "A leader's JWT is a moderator's.",
        "Recording, livestreaming, transcription and outbound calls are off in every JWT.",
        "expires 15 min after the session's end",
        f"https://localhost:{jaas_https.server_port}/{JAAS_APP_ID}/external_api.js answers",
        "JaaS console",
    ):
        assert line in text, line
    assert "BEGIN PRIVATE KEY" not in text


def test_the_check_fails_when_the_script_is_not_at_the_apps_path(jaas, tmp_path, monkeypatch):
    with iframe_api_over_https(tmp_path, monkeypatch, "/external_api.js") as server:
        jaas.JITSI_JAAS_DOMAIN = f"localhost:{server.server_port}"
        out = StringIO()
        with pytest.raises(CommandError, match="1 step"):
            call_command("video_check", stdout=out)
    assert "could not be fetched" in out.getvalue()


def test_the_check_refuses_to_run_on_an_unreadable_key(jaas, jaas_key):
    jaas.JITSI_JAAS_PRIVATE_KEY = pem_of(jaas_key)[:200]
    with pytest.raises(ImproperlyConfigured, match="JITSI_JAAS_PRIVATE_KEY"):
        call_command("video_check", stdout=StringIO())
