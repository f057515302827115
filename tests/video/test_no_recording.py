"""Recording is impossible by construction: nothing of ours calls LiveKit's Egress (the only way it records),
no credential grants roomRecord (tests/video/test_credentials.py), and the reference server configuration
deploys no Egress (docs/video.md)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "members", "groups", "sessions", "safeguarding", "peersupport", "scripts", "templates", "static/js"]
# The server SDK's Egress client and its requests, the Twirp route, and the JS SDK's egress helpers.
EGRESS = re.compile(r"\.egress\b|EgressService|EgressClient|Egress(Request|Info)|livekit\.Egress|start_\w*egress", re.I)


def _sources():
    for folder in APPS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".js", ".html", ".yaml", ".yml"} and "migrations" not in path.parts:
                yield path


def test_no_code_of_ours_calls_egress():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if EGRESS.search(line)
    ]
    assert found == []


def test_positive_control_the_scan_finds_an_egress_call():
    assert EGRESS.search("await lk.egress.start_room_composite_egress(request)")
    assert EGRESS.search("api.RoomCompositeEgressRequest(room_name=room)")
    assert EGRESS.search("POST /twirp/livekit.Egress/StartRoomCompositeEgress")
    assert len(list(_sources())) > 50  # it really reads the code


def test_the_reference_server_configuration_deploys_no_egress():
    config = (ROOT / "docs" / "livekit.yaml").read_text()
    assert "egress" not in config.lower().replace("# no egress", "")
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "livekit/egress" not in compose and "egress:" not in compose
