"""One concern: leaders (if raised with them) and trustees read it, audited; status and escalation."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from safeguarding.models import Concern
from tests.safeguarding.conftest import CONCERN_TEXT


def url(concern, name="concern_detail") -> str:
    return reverse(f"safeguarding:{name}", args=[concern.pk])


@pytest.fixture
def concern(concern_factory):
    return concern_factory()


def test_anonymous_visitor_is_sent_to_sign_in(client, concern):
    assert client.get(url(concern)).status_code == 302


@pytest.mark.parametrize("who", ["outsider", "other_leader", "co_leader_of_a_trustees_concern", "other_member"])
def test_anyone_with_no_business_gets_404(cast, auth_client, concern_factory, membership_factory, who):
    if who == "co_leader_of_a_trustees_concern":
        user, target = cast.co_leader, concern_factory(raised_by=cast.leader, to_trustees=True)
    elif who == "other_member":
        user, target = membership_factory(cast.group).user, concern_factory()
    else:
        user, target = getattr(cast, who), concern_factory()

    assert auth_client(user).get(url(target)).status_code == 404


@pytest.mark.parametrize("who", ["leader", "co_leader", "trustee"])
def test_leaders_and_trustees_read_it_and_each_read_is_audited(cast, auth_client, concern, who):
    reader = getattr(cast, who)

    response = auth_client(reader).get(url(concern))

    assert response.status_code == 200
    assert CONCERN_TEXT.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="safeguarding.concern.read", actor_id=reader.pk).count() == 1


def test_a_leader_changes_the_status(cast, auth_client, concern):
    response = auth_client(cast.leader).post(url(concern, "concern_set_status"), {"status": "in_review"})

    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_REVIEW
    assert AuditEvent.objects.filter(action="safeguarding.concern.status_changed").exists()


def test_a_status_the_workflow_does_not_allow_is_refused_kindly(cast, auth_client, concern):
    client = auth_client(cast.leader)
    client.post(url(concern, "concern_set_status"), {"status": "closed", "reason": "We talked it through."})

    response = client.post(url(concern, "concern_set_status"), {"status": "action_taken"}, follow=True)

    assert b"can&#x27;t move to that status" in response.content
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("other_leader", 404), ("outsider", 404)])
def test_only_leaders_and_trustees_change_the_status(cast, auth_client, concern, who, status):
    """The raiser (member) may see their concern, so they get 403; the others don't know it exists."""
    response = auth_client(getattr(cast, who)).post(url(concern, "concern_set_status"), {"status": "closed"})

    assert response.status_code == status
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW


def test_a_leader_passes_it_to_the_trustees(cast, auth_client, concern):
    response = auth_client(cast.leader).post(url(concern, "concern_escalate"))

    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.escalated_at is not None


def test_status_and_escalation_need_a_post(cast, auth_client, concern):
    client = auth_client(cast.leader)
    assert client.get(url(concern, "concern_set_status")).status_code == 405
    assert client.get(url(concern, "concern_escalate")).status_code == 405


def test_closing_without_a_reason_is_refused_kindly(cast, auth_client, concern):
    client = auth_client(cast.leader)

    response = client.post(url(concern, "concern_set_status"), {"status": "closed", "reason": ""}, follow=True)

    assert b"Please write why the case can be closed." in response.content
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW
