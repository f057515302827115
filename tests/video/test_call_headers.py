"""Security headers with an embedded call: the room and the dashboard open their CSP (connect-src only) and
Permissions-Policy (camera, microphone) to the configured video engine; every other page, and those two with
the plain link, keep the site's strict policy."""

import pytest
from django.urls import reverse

from peersupport.middleware import PERMISSIONS_POLICY
from sessions.video import Client
from tests.security.policy import SITE_POLICY, parse_policy


def directives(response) -> dict[str, list[str]]:
    return parse_policy(response["Content-Security-Policy"])


@pytest.fixture
def pages(cast, open_session, in_room):
    in_room(open_session, cast.member, admitted=True)
    return {
        "room": (cast.member, reverse("sessions:room", args=[open_session.pk])),
        "dashboard": (cast.leader, reverse("sessions:dashboard", args=[open_session.pk])),
    }


@pytest.mark.parametrize("page", ["room", "dashboard"])
def test_the_call_pages_may_reach_the_video_server_and_use_camera_and_microphone(
    fake_livekit, pages, page, auth_client
):
    user, url = pages[page]
    response = auth_client(user).get(url)
    assert response.status_code == 200
    csp = directives(response)
    origin = fake_livekit.url.replace("http://", "ws://")
    assert csp["connect-src"] == ["'self'", origin, fake_livekit.url]
    assert csp["script-src"] == ["'self'"]  # the client is vendored: served by us
    assert csp["frame-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == "camera=(self), microphone=(self), geolocation=(), interest-cohort=()"
    # Everything else is the site's own policy, word for word, and nothing but frame-src is added.
    strict = parse_policy(SITE_POLICY)
    assert set(csp) == set(strict) | {"frame-src"}
    for name, values in strict.items():
        if name != "connect-src":
            assert csp[name] == values


def test_other_pages_keep_the_strict_policy_with_the_call_configured(fake_livekit, cast, open_session, auth_client):
    client = auth_client(cast.member)
    for url in (
        reverse("sessions:detail", args=[open_session.pk]),
        reverse("sessions:join", args=[open_session.pk]),
        reverse("sessions:room_left", args=[open_session.pk]),
        reverse("home"),
    ):
        response = client.get(url)
        assert directives(response) == parse_policy(SITE_POLICY), url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, url


def test_a_refused_room_page_does_not_open_anything(fake_livekit, cast, open_session, auth_client):
    response = auth_client(cast.outsider).get(reverse("sessions:room", args=[open_session.pk]))
    assert response.status_code == 404
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert directives(response) == parse_policy(SITE_POLICY)


FRAMED = Client(
    embedded=True,
    script="https://call.example.org/api.js",
    connect=("wss://call.example.org",),
    frame=("https://call.example.org",),
    extra_scripts=("https://call.example.org",),
)


@pytest.mark.parametrize("page", ["room", "dashboard"])
def test_an_engine_that_embeds_through_a_frame_is_allowed_its_frame_and_script_and_nothing_more(
    pages, page, auth_client, monkeypatch
):
    """An engine with an iframe and its own script (as Jitsi would be): frame-src and script-src open to its
    origin, and camera and microphone are delegated to its frame; every other directive stays the site's."""
    from sessions import call_views

    monkeypatch.setattr(call_views, "provider", lambda: type("Framed", (), {"client": staticmethod(lambda: FRAMED)}))
    user, url = pages[page]
    response = auth_client(user).get(url)
    assert response.status_code == 200
    csp = directives(response)
    assert csp["frame-src"] == ["'self'", "https://call.example.org"]
    assert csp["script-src"] == ["'self'", "https://call.example.org"]
    assert csp["connect-src"] == ["'self'", "wss://call.example.org"]
    strict = parse_policy(SITE_POLICY)
    assert set(csp) == set(strict) | {"frame-src"}
    assert all(csp[name] == values for name, values in strict.items() if name not in {"script-src", "connect-src"})
    assert response["Permissions-Policy"] == (
        'camera=(self "https://call.example.org"), microphone=(self "https://call.example.org"), '
        "geolocation=(), interest-cohort=()"
    )


def test_with_the_plain_link_the_call_pages_keep_the_strict_policy(pages, auth_client, settings):
    settings.VIDEO_PROVIDER = "link"
    for user, url in pages.values():
        response = auth_client(user).get(url)
        assert directives(response) == parse_policy(SITE_POLICY)
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
        assert b'id="call"' not in response.content


def test_an_incomplete_livekit_setup_is_reported_at_start(settings):
    from peersupport.checks import check_video_provider

    settings.VIDEO_PROVIDER = "livekit"
    settings.LIVEKIT_URL = "wss://call.example.org"
    settings.LIVEKIT_API_KEY = "key"
    settings.LIVEKIT_API_SECRET = ""
    assert [e.id for e in check_video_provider(None)] == ["peersupport.E010"]
    settings.LIVEKIT_API_SECRET = "secret"
    assert check_video_provider(None) == []


def test_an_incomplete_jitsi_setup_is_reported_at_start(jitsi):
    from peersupport.checks import check_video_provider

    assert check_video_provider(None) == []
    jitsi.JITSI_APP_SECRET = ""
    assert [e.id for e in check_video_provider(None)] == ["peersupport.E011"]


@pytest.mark.parametrize("page", ["room", "dashboard"])
def test_with_jitsi_the_call_pages_open_script_and_frame_to_the_jitsi_origin_only(jitsi, pages, page, auth_client):
    user, url = pages[page]
    response = auth_client(user).get(url)
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == ["'self'", "https://meet.example.test"]
    assert csp["frame-src"] == ["'self'", "https://meet.example.test"]
    assert csp["connect-src"] == ["'self'"]  # the page talks to Jitsi's frame by postMessage only
    strict = parse_policy(SITE_POLICY)
    assert set(csp) == set(strict) | {"frame-src"}
    assert all(csp[name] == values for name, values in strict.items() if name != "script-src")
    assert response["Permissions-Policy"] == (
        'camera=(self "https://meet.example.test"), microphone=(self "https://meet.example.test"), '
        "geolocation=(), interest-cohort=()"
    )
    content = response.content.decode()
    assert '<script src="https://meet.example.test/external_api.js"></script>' in content
    assert "js/call-jitsi.js" in content and "js/call.js" not in content


def test_with_jitsi_other_pages_keep_the_strict_policy(jitsi, cast, open_session, auth_client):
    client = auth_client(cast.member)
    for url in (
        reverse("sessions:detail", args=[open_session.pk]),
        reverse("sessions:join", args=[open_session.pk]),
        reverse("home"),
    ):
        response = client.get(url)
        assert directives(response) == parse_policy(SITE_POLICY), url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, url
        assert "meet.example.test" not in response.content.decode()
    refused = auth_client(cast.outsider).get(reverse("sessions:room", args=[open_session.pk]))
    assert refused.status_code == 404 and directives(refused) == parse_policy(SITE_POLICY)
