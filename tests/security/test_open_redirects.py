"""No page of ours sends people to another site: every `?next=` is checked before it is followed.

A phishing link like https://peersupport.example/accounts/login/?next=https://evil.example would
otherwise land a member, just signed in, on a look-alike page asking for their password again.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from groups.models import Membership
from tests.fixtures.factories import TEST_PASSWORD

EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    " https://evil.example/",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
    "https://testserver@evil.example/",
    "https://evil.example/%2F..",
]


def assert_stays_here(location: str) -> None:
    """A redirect we can follow without leaving the site: a path on this host."""
    parts = urlsplit(location)
    assert parts.scheme in {"", "http", "https"}, location
    assert parts.netloc in {"", "testserver"}, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    for value in parse_qs(parts.query).get("next", []):  # and no bad `next` is passed along either
        assert_stays_here(value)


@pytest.mark.parametrize("evil", EVIL)
def test_signing_in_never_follows_next_to_another_site(client, cast, evil):
    response = client.post(
        f"{reverse('account_login')}?next={evil}", {"login": cast.member.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session  # signed in, and then...
    assert_stays_here(response["Location"])


@pytest.mark.parametrize("evil", EVIL)
def test_signing_in_with_the_second_factor_never_follows_next_to_another_site(
    client, user_factory, group_factory, evil
):
    from tests.fixtures.factories import enable_mfa

    leader = user_factory()
    Membership.objects.create(
        group=group_factory(), user=leader, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    )
    secret = enable_mfa(leader)
    client.post(f"{reverse('account_login')}?next={evil}", {"login": leader.email, "password": TEST_PASSWORD})
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" in client.session
    assert_stays_here(response["Location"])


@pytest.mark.parametrize("evil", EVIL)
def test_signing_out_never_follows_next_to_another_site(client, cast, evil):
    client.force_login(cast.member)
    response = client.post(reverse("account_logout"), {"next": evil})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert_stays_here(response["Location"])


def follow_on_this_site(client, response, *, hops: int = 6):
    """Follow redirects one by one, failing if any of them leaves the site; returns the last response."""
    for _ in range(hops):
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        location = response["Location"]
        parts = urlsplit(location)
        assert parts.netloc in {"", "testserver"} and not location.startswith(("//", "/\\")), location
        response = client.get(location)
    raise AssertionError("too many redirects")


@pytest.mark.parametrize("evil", EVIL)
def test_the_admin_sign_in_never_ends_on_another_site(client, user_factory, evil):
    """/admin/login/?next=... goes through allauth's sign-in and the second factor, and ends in the admin."""
    from django.contrib.auth.models import Group

    from members.roles import TRUSTEES_GROUP, sync_trustees_group
    from tests.fixtures.factories import enable_mfa

    sync_trustees_group()
    trustee = user_factory(is_staff=True)
    trustee.groups.add(Group.objects.get(name=TRUSTEES_GROUP))
    secret = enable_mfa(trustee)

    login_url = client.get("/admin/login/", {"next": evil})["Location"]
    client.post(login_url, {"login": trustee.email, "password": TEST_PASSWORD})
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    final = follow_on_this_site(client, response)
    assert final.status_code == 200
    assert final.request["PATH_INFO"].startswith("/admin/")


@pytest.mark.parametrize("evil", EVIL)
def test_agreeing_to_the_guidelines_never_follows_next_to_another_site(client, cast, membership_factory, evil):
    newcomer = membership_factory(cast.group, agreed=False).user
    client.force_login(newcomer)
    url = reverse("groups:agree", args=[cast.group.slug])
    page = client.get(url, {"next": evil})
    assert page.status_code == 200
    assert evil.strip() not in page.content.decode()  # not even carried in the form's hidden field
    version = cast.group.current_guidelines()
    response = client.post(url, {"next": evil, "version": version.pk, "agree": "on"})
    assert response.status_code == 302
    assert_stays_here(response["Location"])


@pytest.mark.parametrize("evil", EVIL)
def test_agreeing_when_already_agreed_never_follows_next_to_another_site(client, cast, evil):
    client.force_login(cast.member)
    response = client.get(reverse("groups:agree", args=[cast.group.slug]), {"next": evil})
    assert response.status_code == 302
    assert_stays_here(response["Location"])


@pytest.mark.parametrize("evil", ["//evil.example/", "/groups/x&next=https://evil.example/"])
def test_the_two_step_set_up_redirect_carries_only_this_sites_path(client, user_factory, group_factory, evil):
    """A leader without two-step verification is sent to set it up, then back to the page they asked for."""
    leader = user_factory()
    Membership.objects.create(
        group=group_factory(), user=leader, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    )
    client.force_login(leader)
    response = client.get(evil)
    assert response.status_code == 302
    assert_stays_here(response["Location"])


def test_positive_control_a_local_next_is_followed(client, cast):
    """The checks above can fail: a local `next` is followed, so they are not passing by ignoring next."""
    target = reverse("groups:mine")
    response = client.post(
        f"{reverse('account_login')}?next={target}", {"login": cast.member.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == target
