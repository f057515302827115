"""manage.py video_check against the fake LiveKit server (a real deployment is checked the same way)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_the_check_passes_against_a_server_that_behaves(fake_livekit):
    out = StringIO()
    call_command("video_check", stdout=out)
    text = out.getvalue()
    assert "FAIL" not in text
    for line in (
        "RoomService answers",
        "one room only",
        "No roomAdmin, no roomRecord",
        "refused by RoomService RemoveParticipant",
        "refused by RoomService MutePublishedTrack",
        "behaves as the app expects",
    ):
        assert line in text
    # The member token really was tried against the server and refused there.
    assert ("RemoveParticipant", "permission_denied") in fake_livekit.refused


def test_the_check_fails_when_the_server_cannot_be_reached(fake_livekit):
    fake_livekit.stop()
    with pytest.raises(CommandError, match="could not be reached"):
        call_command("video_check", stdout=StringIO())


def test_the_check_fails_with_the_wrong_key_pair(fake_livekit, settings):
    settings.LIVEKIT_API_SECRET = "a-secret-the-server-does-not-know-of-at-all"
    with pytest.raises(CommandError):
        call_command("video_check", stdout=StringIO())


def test_the_check_is_for_livekit_or_jitsi_only(settings):
    settings.VIDEO_PROVIDER = "link"
    with pytest.raises(CommandError, match="for livekit or jitsi"):
        call_command("video_check", stdout=StringIO())
