"""A concern raised straight with the trustees, or about a leader, never reaches the group's leaders.

The proof walks every URL of the app (tests/security/routes.py, the same crawl as test_every_url.py) as
each leader of the group, reads every email sent, and the leaders' own data export: the concern's words,
and any link to it, appear nowhere a leader can reach. Positive control: the trustee sees both.
"""

import json

import pytest
from django.core import mail
from django.urls import reverse

from peersupport.gdpr import export_user_data
from safeguarding import services
from safeguarding.models import Concern
from tests.security.conftest import login_as
from tests.security.routes import ROUTES, url_for

STRAIGHT = "ZQtrustee-only-straight-to-the-trustees"
ABOUT_LEADER = "ZQtrustee-only-about-the-leader"


@pytest.fixture
def hidden(world, django_capture_on_commit_callbacks):
    """Two concerns the group's leaders must never see: one sent to the trustees, one about a leader."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return _raise_both(world)


def _raise_both(world):
    straight = services.raise_concern(
        raised_by=world.a.member,
        group=world.a.group,
        category=Concern.Category.OTHER,
        risk_level=Concern.RiskLevel.LOW,
        details=STRAIGHT,
        to_trustees=True,
    )
    about_leader = services.raise_concern(
        raised_by=world.a.member,
        group=world.a.group,
        category=Concern.Category.LEADER_CONDUCT,
        risk_level=Concern.RiskLevel.MEDIUM,
        details=ABOUT_LEADER,
        about=Concern.About.LEADER,
        about_user=world.cast.leader,
    )
    return straight, about_leader


def leaks(body: str, concerns) -> list[str]:
    found = [marker for marker in (STRAIGHT, ABOUT_LEADER) if marker in body]
    for concern in concerns:
        for url in (reverse("safeguarding:concern_detail", args=[concern.pk]),):
            if url in body:
                found.append(url)
    return found


@pytest.mark.parametrize("role", ["leader", "co_leader"])
def test_no_page_a_leader_can_open_shows_the_concern(client, world, hidden, role):
    login_as(client, world.cast, role)
    pages = 0
    for name, route in sorted(ROUTES.items()):
        if "GET" not in route.methods:
            continue
        for side in (world.a, world.b):
            url = url_for(name, world, side)
            body = client.get(url).content.decode(errors="replace")
            assert not leaks(body, hidden), f"{role} saw a trustee-only concern on {url}"
            pages += 1
        if name in {"account_logout", "members:erase_my_account"}:
            login_as(client, world.cast, role)
    # Each concern's own page, asked for directly, is not found.
    for concern in hidden:
        assert client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 404
    assert pages > 100


def test_no_email_reaches_a_leader_and_the_trustees_are_told(world, hidden):
    leaders = {world.cast.leader.email, world.cast.co_leader.email}
    for message in mail.outbox:
        assert not leaders & set(message.to), f"a leader was emailed: {message.subject}"
        assert not leaks(message.body, hidden)
    assert world.cast.trustee.email in {address for message in mail.outbox for address in message.to}


@pytest.mark.parametrize("role", ["leader", "co_leader"])
def test_the_leaders_own_data_export_holds_nothing_of_it(client, world, hidden, role):
    person = getattr(world.cast, role)
    assert not leaks(json.dumps(export_user_data(person), default=str), hidden)
    client.force_login(person)
    response = client.post(reverse("members:download_my_data"))
    assert response.status_code == 200
    assert not leaks(b"".join(response).decode() if response.streaming else response.content.decode(), hidden)


def test_positive_control_the_trustee_reads_both_in_the_admin(client, world, hidden):
    client.force_login(world.cast.trustee)
    for concern, marker in zip(hidden, (STRAIGHT, ABOUT_LEADER), strict=True):
        body = client.get(reverse("admin:safeguarding_concern_change", args=[concern.pk])).content.decode()
        assert marker in body


def test_positive_control_an_ordinary_concern_does_reach_the_leader(client, world):
    client.force_login(world.cast.leader)
    body = client.get(reverse("safeguarding:concern_detail", args=[world.a.concern.pk])).content.decode()
    assert world.a.markers["concern"] in body
