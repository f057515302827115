"""A new charity's first run, end to end on PostgreSQL and Redis: setup_charity, the trustee's first sign-in
with a TOTP code, a group made in the admin with an invitation to lead it, and the first leader accepting
the emailed invitations.

Codes are computed with allauth's own TOTP functions from the secret the activation page put in the session,
as an authenticator app would from the QR code.
"""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from groups.models import Membership, SupportGroup

pytestmark = pytest.mark.integration

PASSWORD = "a-long-trustee-password-7"
LEADER_PASSWORD = "a-long-leader-password-8"


def code_now(secret: str) -> str:
    """The current code; near the end of a 30 s step, the next step's (a loaded machine must not cross it)."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def set_up_totp(client: Client, next_path: str, password: str) -> str:
    """Follow the redirect every staff page gives before two-step sign-in exists, and activate TOTP."""
    response = client.get(next_path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    activate = response.url
    response = client.get(activate)
    if response.status_code == 302:  # allauth asks for the password again before a sign-in setting changes
        assert response.url.startswith(reverse("account_reauthenticate"))
        assert client.post(response.url, {"password": password}).status_code == 302
        response = client.get(activate)
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


def test_a_new_charity_from_setup_to_its_first_leader(db, settings, monkeypatch):
    settings.SITE_URL = "http://testserver"
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "setup_charity",
        "--noinput",
        "--name=Calm Waters",
        "--contact-email=hello@calmwaters.example",
        "--safeguarding-email=safeguarding@calmwaters.example",
        "--trustee-email=ruth@calmwaters.example",
        "--trustee-name=Ruth",
        "--group-name=Evening Circle",
        "--leader-email=lee@calmwaters.example",
    )
    (invitation_email,) = mail.outbox
    invitation_link = re.search(r"http://testserver(/groups/invite/\S+/)", invitation_email.body).group(1)

    # The trustee's first sign-in: password, then straight to setting up TOTP before the admin opens.
    trustee = Client()
    response = trustee.post(reverse("account_login"), {"login": "ruth@calmwaters.example", "password": PASSWORD})
    assert response.status_code == 302
    secret = set_up_totp(trustee, "/admin/", PASSWORD)
    assert trustee.get("/admin/").status_code == 200

    # Signing in again now asks for a code.
    trustee.post(reverse("account_logout"))
    response = trustee.post(reverse("account_login"), {"login": "ruth@calmwaters.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert trustee.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200  # a wrong code
    assert trustee.get("/admin/").status_code == 302
    response = trustee.post(reverse("mfa_authenticate"), {"code": code_now(secret)})
    assert response.status_code == 302
    assert trustee.get("/admin/").status_code == 200

    # The trustee makes a second group in the admin; it starts with the charity's guidelines.
    add_url = reverse("admin:groups_supportgroup_add")
    page = trustee.get(add_url).content.decode()
    prefix = re.search(r'name="([\w-]+)-TOTAL_FORMS"', page).group(1)
    response = trustee.post(
        add_url,
        {
            "name": "Morning Circle",
            "slug": "morning-circle",
            "description": "Mornings, for carers.",
            "meeting_rhythm": "Saturdays, 10 am",
            "welfare_threshold_minutes": "10",
            "chat_word_list": "",
            "is_open_to_requests": "on",
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    morning = SupportGroup.objects.get(slug="morning-circle")
    assert morning.current_guidelines() is not None
    # ...and invites a leader for it from its admin page.
    invite = reverse("admin:groups_supportgroup_invite_leader", args=[morning.pk])
    assert trustee.post(invite, {"email": "lee@calmwaters.example"}).status_code == 200
    morning_link = re.search(r"http://testserver(/groups/invite/\S+/)", mail.outbox[-1].body).group(1)

    # The leader follows the emailed link, signs up, verifies their email, accepts and leads the group.
    leader = Client()
    assert "Evening Circle" in leader.get(invitation_link).content.decode()
    response = leader.post(
        f"{reverse('account_signup')}?next={invitation_link}",
        {
            "email": "lee@calmwaters.example",
            "password1": LEADER_PASSWORD,
            "password2": LEADER_PASSWORD,
            "display_name": "Lee",
        },
    )
    assert response.status_code == 302
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    assert leader.post(confirm).status_code == 302
    group = SupportGroup.objects.get(slug="evening-circle")
    response = leader.post(invitation_link, {"group": group.slug})
    assert response.status_code == 302
    membership = Membership.objects.get(group=group, user__email="lee@calmwaters.example")
    assert membership.is_leader and membership.is_active
    # A leader too must set up two-step sign-in before the leaders' pages open.
    members_page = reverse("groups:members", args=[group.slug])
    set_up_totp(leader, members_page, LEADER_PASSWORD)
    assert leader.get(members_page).status_code == 200
    # The link is spent.
    assert leader.get(invitation_link).status_code in {404, 410}
    # The invitation the trustee made in the admin works the same way.
    assert leader.post(morning_link, {"group": "morning-circle"}).status_code == 302
    assert Membership.objects.get(group=morning, user__email="lee@calmwaters.example").is_leader
