"""8x8 JaaS's setup: the call pages open script-src and frame-src to https://8x8.vc only; the start-up check names
incomplete JaaS settings; production refuses a placeholder or unreadable private key (never showing it)."""

import pytest
from django.urls import reverse

from peersupport.checks import check_video_provider
from peersupport.middleware import PERMISSIONS_POLICY
from peersupport.production import placeholder_problems
from tests.foundation.test_settings import PRODUCTION
from tests.security.policy import SITE_POLICY, parse_policy
from tests.video.conftest import JAAS_APP_ID, JAAS_KEY_ID, pem_of


def directives(response) -> dict[str, list[str]]:
    return parse_policy(response["Content-Security-Policy"])


@pytest.mark.parametrize("page", ["room", "dashboard"])
def test_with_jaas_the_call_pages_open_script_and_frame_to_8x8_only(
    jaas, cast, open_session, in_room, auth_client, page
):
    in_room(open_session, cast.member, admitted=True)
    user, url = {
        "room": (cast.member, reverse("sessions:room", args=[open_session.pk])),
        "dashboard": (cast.leader, reverse("sessions:dashboard", args=[open_session.pk])),
    }[page]
    response = auth_client(user).get(url)
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == ["'self'", "https://8x8.vc"]
    assert csp["frame-src"] == ["'self'", "https://8x8.vc"]
    assert csp["connect-src"] == ["'self'"]
    strict = parse_policy(SITE_POLICY)
    assert set(csp) == set(strict) | {"frame-src"}
    assert all(csp[name] == values for name, values in strict.items() if name != "script-src")
    assert response["Permissions-Policy"] == (
        'camera=(self "https://8x8.vc"), microphone=(self "https://8x8.vc"), geolocation=(), interest-cohort=()'
    )
    content = response.content.decode()
    assert f'<script src="https://8x8.vc/{JAAS_APP_ID}/external_api.js"></script>' in content
    assert "js/call-jitsi.js" in content
    assert "BEGIN PRIVATE KEY" not in content and "a1b2c3" not in content


def test_with_jaas_other_pages_keep_the_strict_policy(jaas, cast, open_session, auth_client):
    response = auth_client(cast.member).get(reverse("sessions:detail", args=[open_session.pk]))
    assert directives(response) == parse_policy(SITE_POLICY)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "8x8.vc" not in response.content.decode()


def test_incomplete_or_unreadable_jaas_settings_are_reported_at_start(jaas):
    assert check_video_provider(None) == []  # no JITSI_DOMAIN or app secret needed with JaaS
    jaas.JITSI_JAAS_KEY_ID = ""
    assert [e.id for e in check_video_provider(None)] == ["peersupport.E011"]
    jaas.JITSI_JAAS_KEY_ID = JAAS_KEY_ID
    jaas.JITSI_JAAS_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nchange-me\n-----END PRIVATE KEY-----"
    errors = check_video_provider(None)
    assert [e.id for e in errors] == ["peersupport.E011"]
    assert "JITSI_JAAS_PRIVATE_KEY" in errors[0].msg and "change-me" not in errors[0].msg


def jaas_env(**values) -> dict[str, str]:
    return {**PRODUCTION, "VIDEO_PROVIDER": "jitsi", "JITSI_JAAS_APP_ID": JAAS_APP_ID, **values}


def test_production_accepts_the_downloaded_key_on_one_line_and_needs_no_app_secret(jaas_key):
    one_line = pem_of(jaas_key).strip().replace("\n", "\\n")
    assert placeholder_problems(jaas_env(JITSI_JAAS_PRIVATE_KEY=one_line, JITSI_APP_SECRET="")) == []
    assert placeholder_problems(jaas_env(JITSI_JAAS_PRIVATE_KEY=pem_of(jaas_key))) == []


def test_production_refuses_a_placeholder_or_unreadable_private_key_without_showing_it():
    assert placeholder_problems(jaas_env(JITSI_JAAS_PRIVATE_KEY="change-me")) == [
        "JITSI_JAAS_PRIVATE_KEY still holds the placeholder 'change-me' from .env.example (make keys prints fresh "
        "values)."
    ]
    broken = placeholder_problems(jaas_env(JITSI_JAAS_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n"))
    assert len(broken) == 1 and broken[0].startswith("JITSI_JAAS_PRIVATE_KEY is not") and "MIIEvQ" not in broken[0]
    empty = placeholder_problems(jaas_env(JITSI_JAAS_PRIVATE_KEY=""))
    assert len(empty) == 1 and empty[0].startswith("JITSI_JAAS_PRIVATE_KEY is not")
