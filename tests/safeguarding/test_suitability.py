"""Leaders' suitability register: checks with renewal dates, reminders before they lapse, and the override."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from groups import services as group_services
from groups.models import Membership
from safeguarding import suitability, tasks

TODAY = timezone.localdate


def dbs(cast, person, *, renew_in_days: int):
    return suitability.record_check(
        actor=cast.trustee,
        person=person,
        kind="dbs_enhanced",
        done_on=TODAY() - timedelta(days=1000),
        renew_on=TODAY() + timedelta(days=renew_in_days),
        reference="001234567890",
    )


def membership(cast, user) -> Membership:
    return Membership.objects.get(group=cast.group, user=user)


def test_a_leader_cannot_appoint_someone_whose_check_has_lapsed(cast):
    dbs(cast, cast.member, renew_in_days=-1)

    with pytest.raises(group_services.GroupActionRefused) as exc:
        group_services.appoint_leader(membership(cast, cast.member), actor=cast.leader)

    assert "Only a trustee can appoint them" in str(exc.value)
    assert membership(cast, cast.member).role == Membership.Role.MEMBER


def test_a_trustee_without_a_reason_is_refused_too(cast):
    dbs(cast, cast.member, renew_in_days=-1)

    for nothing in (" ", "\u200b", "\u202e\u2066"):  # visible text only (issue #15)
        with pytest.raises(group_services.GroupActionRefused):
            group_services.appoint_leader(membership(cast, cast.member), actor=cast.trustee, override_reason=nothing)
    assert not AuditEvent.objects.filter(action="safeguarding.suitability.override").exists()


def test_a_trustees_override_with_a_reason_appoints_and_is_audited_with_it(cast):
    check = dbs(cast, cast.member, renew_in_days=-1)

    group_services.appoint_leader(
        membership(cast, cast.member), actor=cast.trustee, override_reason="Renewal applied for; co-leads only."
    )

    assert membership(cast, cast.member).role == Membership.Role.LEADER
    event = AuditEvent.objects.get(action="safeguarding.suitability.override")
    assert event.actor_id == cast.trustee.pk and event.data["check_id"] == check.pk
    assert event.data["reason"] == "[masked]"  # a reason in someone's own words stays out of the trail's data


def test_a_current_or_renewed_check_needs_no_override(cast):
    dbs(cast, cast.member, renew_in_days=-30)
    suitability.record_check(
        actor=cast.trustee, person=cast.member, kind="dbs_enhanced", done_on=TODAY(), renew_on=TODAY() + timedelta(900)
    )

    group_services.appoint_leader(membership(cast, cast.member), actor=cast.leader)

    assert membership(cast, cast.member).role == Membership.Role.LEADER


def test_the_register_refuses_a_renewal_before_the_check(cast):
    with pytest.raises(ValidationError):
        suitability.record_check(
            actor=cast.trustee, person=cast.member, kind="supervision", done_on=TODAY(), renew_on=TODAY()
        )
    with pytest.raises(PermissionDenied):
        suitability.record_check(actor=cast.leader, person=cast.member, kind="supervision", done_on=TODAY())


def test_trustees_are_reminded_once_before_a_check_lapses(cast):
    soon = dbs(cast, cast.leader, renew_in_days=20)
    dbs(cast, cast.co_leader, renew_in_days=200)  # not yet
    mail.outbox.clear()

    assert tasks.remind_suitability_renewals() == 1
    assert tasks.remind_suitability_renewals() == 0

    assert [message.to for message in mail.outbox] == [[cast.trustee.email]]
    assert "001234567890" not in mail.outbox[0].body
    soon.refresh_from_db()
    assert soon.renewal_reminder_sent_at is not None


def test_the_register_lists_lapsed_checks_without_the_reference(cast, auth_client):
    dbs(cast, cast.member, renew_in_days=-3)

    body = auth_client(cast.trustee).get(reverse("admin:safeguarding_suitabilitycheck_changelist")).content.decode()

    assert "lapsed" in body and "001234567890" not in body
    assert reverse("admin:safeguarding_suitabilitycheck_override") in body


def test_the_override_page_appoints_with_a_reason_and_refuses_without(cast, auth_client):
    dbs(cast, cast.member, renew_in_days=-3)
    client = auth_client(cast.trustee)
    url = reverse("admin:safeguarding_suitabilitycheck_override")
    target = membership(cast, cast.member)

    response = client.post(url, {"membership": target.pk, "reason": ""})
    assert response.status_code == 200 and b"Please write why they can lead" in response.content
    assert membership(cast, cast.member).role == Membership.Role.MEMBER

    response = client.post(url, {"membership": target.pk, "reason": "The renewal is in the post."})
    assert response.status_code == 302
    assert membership(cast, cast.member).role == Membership.Role.LEADER


@pytest.mark.parametrize("who", ["leader", "member"])
def test_the_override_page_is_for_trustees_only(cast, auth_client, who):
    response = auth_client(getattr(cast, who)).get(reverse("admin:safeguarding_suitabilitycheck_override"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- lapsed safeguarding training counts as a lapsed check; supervision and practice training only remind ------


def entry(cast, person, kind: str, *, renew_in_days: int):
    return suitability.record_check(
        actor=cast.trustee,
        person=person,
        kind=kind,
        done_on=TODAY() - timedelta(days=800),
        renew_on=TODAY() + timedelta(days=renew_in_days),
    )


def test_lapsed_safeguarding_training_needs_the_trustees_override_too(cast):
    dbs(cast, cast.member, renew_in_days=200)
    training = entry(cast, cast.member, "training_safeguarding", renew_in_days=-3)

    with pytest.raises(group_services.GroupActionRefused) as exc:
        group_services.appoint_leader(membership(cast, cast.member), actor=cast.leader)
    assert "safeguarding training" in str(exc.value)
    assert membership(cast, cast.member).role == Membership.Role.MEMBER

    group_services.appoint_leader(membership(cast, cast.member), actor=cast.trustee, override_reason="Booked for May.")
    event = AuditEvent.objects.get(action="safeguarding.suitability.override")
    assert event.data["check_ids"] == [training.pk]


def test_renewed_safeguarding_training_needs_no_override(cast):
    entry(cast, cast.member, "training_safeguarding", renew_in_days=-3)
    entry(cast, cast.member, "training_safeguarding", renew_in_days=300)  # the newer course is what counts
    group_services.appoint_leader(membership(cast, cast.member), actor=cast.leader)
    assert membership(cast, cast.member).role == Membership.Role.LEADER


@pytest.mark.parametrize("kind", ["supervision", "training_peer_support"])
def test_lapsed_supervision_or_practice_training_only_reminds(cast, kind):
    entry(cast, cast.member, kind, renew_in_days=-3)
    group_services.appoint_leader(membership(cast, cast.member), actor=cast.leader)
    assert membership(cast, cast.member).role == Membership.Role.LEADER


def test_the_override_page_lists_people_whose_safeguarding_training_lapsed(cast, auth_client):
    entry(cast, cast.member, "training_safeguarding", renew_in_days=-3)
    body = auth_client(cast.trustee).get(reverse("admin:safeguarding_suitabilitycheck_override")).content.decode()
    assert "Member Mo in Evening group" in body
