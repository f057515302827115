"""Debriefs: leaders' own, add-only, encrypted; trustees see that one happened, its words only if linked to a case."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from safeguarding import services as safeguarding
from sessions.models import GroupSession
from tests.browser.conftest import sign_in
from wellbeing import services
from wellbeing.models import AddOnlyError, Debrief

pytestmark = pytest.mark.django_db

WORDS = "Mo went quiet after the break"


@pytest.fixture
def ended(cast, session_factory):
    return session_factory(cast.group, starts_in=timedelta(days=-1), status=GroupSession.Status.ENDED, topic="Sleep")


@pytest.fixture
def debrief(cast, ended):
    return services.add_debrief(ended, actor=cast.leader, how_it_went=WORDS, carry_forward="Call Mo on Friday.")


def url(session) -> str:
    return reverse("wellbeing:session_debriefs", args=[session.pk])


def test_debrief_ladder(cast, ended, debrief, client, auth_client):
    response = client.get(url(ended))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert auth_client(cast.outsider).get(url(ended)).status_code == 404
    assert auth_client(cast.other_leader).get(url(ended)).status_code == 404
    assert auth_client(cast.trustee).get(url(ended)).status_code == 404  # trustees use the admin
    assert auth_client(cast.member).get(url(ended)).status_code == 403
    response = auth_client(cast.co_leader).get(url(ended))
    assert response.status_code == 200 and WORDS in response.content.decode()


def test_a_leader_writes_a_debrief_after_the_session_and_the_next_form_carries_forward(
    cast, ended, session_factory, auth_client
):
    client = auth_client(cast.leader)
    response = client.post(
        url(ended), {"how_it_went": WORDS, "carry_forward": "Call Mo on Friday.", "how_we_are": "Tired."}
    )
    assert response.status_code == 302
    debrief = Debrief.objects.get()
    assert (debrief.session, debrief.author, debrief.how_we_are) == (ended, cast.leader, "Tired.")
    event = AuditEvent.objects.get(action="wellbeing.debrief.added")
    assert WORDS not in str(event.data) and event.data["carry_forward"] is True

    later = session_factory(cast.group, starts_in=timedelta(hours=-3), status=GroupSession.Status.ENDED)
    html = auth_client(cast.co_leader).get(url(later)).content.decode()
    assert "Carried forward from “Sleep”" in html and "Call Mo on Friday." in html


def test_no_debrief_before_the_session_has_ended_and_nothing_is_lost(cast, session_factory, auth_client):
    upcoming = session_factory(cast.group)
    response = auth_client(cast.leader).post(url(upcoming), {"how_it_went": WORDS})
    assert response.status_code == 200 and not Debrief.objects.exists()
    assert "once the session has ended" in response.content.decode()


def test_a_member_cannot_write_one(cast, ended, auth_client):
    assert auth_client(cast.member).post(url(ended), {"how_it_went": "x"}).status_code == 403
    assert not Debrief.objects.exists()


def test_debriefs_are_add_only(debrief):
    debrief.how_it_went = "changed"
    with pytest.raises(AddOnlyError):
        debrief.save()
    with pytest.raises(AddOnlyError):
        debrief.delete()


def test_debriefs_are_ciphertext_only(debrief):
    with connection.cursor() as cursor:
        cursor.execute("SELECT how_it_went, carry_forward FROM wellbeing_debrief WHERE id = %s", [debrief.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in raw) and WORDS not in "".join(raw)


def test_trustees_see_that_a_debrief_happened_but_not_its_words(cast, debrief, client):
    sign_in(client, cast.trustee)
    listing = client.get(reverse("admin:wellbeing_debrief_changelist")).content.decode()
    assert "Sleep" in listing and WORDS not in listing
    page = client.get(reverse("admin:wellbeing_debrief_change", args=[debrief.pk])).content.decode()
    assert WORDS not in page and "Link it to a safeguarding case" in page
    assert not AuditEvent.objects.filter(action="wellbeing.debrief.viewed").exists()


def test_linked_to_a_case_trustees_read_it_and_each_read_is_audited(cast, debrief, client):
    concern = safeguarding.raise_concern(
        raised_by=cast.leader, group=cast.group, category="other", risk_level="low", details="About Mo."
    )
    sign_in(client, cast.trustee)
    change = reverse("admin:wellbeing_debrief_change", args=[debrief.pk])
    response = client.post(change, {"concern": concern.pk})
    assert response.status_code == 302
    debrief.refresh_from_db()
    assert debrief.concern == concern and debrief.how_it_went == WORDS
    assert AuditEvent.objects.filter(action="wellbeing.debrief.linked_to_case").exists()

    assert WORDS in client.get(change).content.decode()
    client.get(change)
    reads = AuditEvent.objects.filter(action="wellbeing.debrief.viewed")
    assert reads.count() == 2 and {e.actor_id for e in reads} == {cast.trustee.pk}


def test_a_case_of_another_group_cannot_be_linked(cast, debrief):
    other = safeguarding.raise_concern(
        raised_by=cast.other_leader, group=cast.other_group, category="other", risk_level="low", details="x"
    )
    with pytest.raises(Exception, match="another group"):
        services.link_debrief_to_case(debrief, actor=cast.trustee, concern=other)


def test_a_leader_reading_in_the_service_as_a_trustee_is_refused(cast, debrief):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.read_debrief_as_trustee(debrief, actor=cast.leader)


def test_the_session_page_links_leaders_to_the_debrief(cast, ended, auth_client):
    detail = reverse("sessions:detail", args=[ended.pk])
    assert url(ended) in auth_client(cast.leader).get(detail).content.decode()
    assert url(ended) not in auth_client(cast.member).get(detail).content.decode()
