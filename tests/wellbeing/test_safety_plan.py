"""The member's safety plan: theirs alone, encrypted, printable, exported and erased with them, shared by choice."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from peersupport.gdpr import erase_account
from wellbeing import services
from wellbeing.models import SAFETY_PLAN_SECTIONS, SafetyPlan

pytestmark = pytest.mark.django_db

PLAN = reverse("wellbeing:safety_plan")
SECRET = "When the evenings get dark"


def plan_form(**extra) -> dict:
    data = {name: "" for name, _, _ in SAFETY_PLAN_SECTIONS}
    data.update(extra)
    return data


def shared_url(cast) -> str:
    return reverse("wellbeing:shared_safety_plan", args=[cast.group.slug, cast.member.pk])


@pytest.fixture
def shared_plan(cast):
    return services.save_safety_plan(
        user=cast.member, sections={"warning_signs": SECRET, "reasons": "My dog."}, shared_groups=[cast.group]
    )


def test_a_member_writes_their_plan_and_changes_it_any_time(cast, auth_client):
    client = auth_client(cast.member)
    assert client.get(PLAN).status_code == 200
    response = client.post(PLAN, plan_form(warning_signs=SECRET, people_i_can_ask="Sam, 07700 900000"))
    assert response.status_code == 302
    plan = SafetyPlan.objects.get(user=cast.member)
    assert plan.warning_signs == SECRET and plan.people_i_can_ask == "Sam, 07700 900000"
    client.post(PLAN, plan_form(warning_signs="Not sleeping"))
    plan.refresh_from_db()
    assert plan.warning_signs == "Not sleeping" and plan.people_i_can_ask == ""
    events = AuditEvent.objects.filter(subject_id=str(plan.pk), action__startswith="wellbeing.").order_by("id")
    assert list(events.values_list("action", flat=True)) == [
        "wellbeing.safety_plan.created",
        "wellbeing.safety_plan.updated",
    ]
    assert SECRET not in json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))


def test_a_section_that_is_too_long_is_refused_and_what_was_typed_stays(cast, auth_client):
    response = auth_client(cast.member).post(PLAN, plan_form(reasons="x" * 4001, warning_signs=SECRET))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_the_plan_is_ciphertext_only_in_the_database(cast, shared_plan):
    with connection.cursor() as cursor:
        cursor.execute("SELECT warning_signs, reasons FROM wellbeing_safetyplan WHERE id = %s", [shared_plan.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in raw)
    assert SECRET not in "".join(raw) and "My dog" not in "".join(raw)


def test_the_print_page_shows_the_plan_and_the_numbers_and_has_print_styles(cast, shared_plan, auth_client):
    response = auth_client(cast.member).get(reverse("wellbeing:safety_plan_print"))
    html = response.content.decode()
    assert SECRET in html and "My reasons for living" in html and 'href="tel:116123"' in html
    assert "css/wellbeing.css" in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_nobody_but_the_member_reaches_their_own_plan_pages(cast, shared_plan, client, auth_client):
    for name in ("wellbeing:safety_plan", "wellbeing:safety_plan_print"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # Everyone else who signs in sees their own (empty) plan, never the member's.
    for person in (cast.leader, cast.co_leader, cast.trustee, cast.outsider):
        html = auth_client(person).get(PLAN).content.decode()
        assert SECRET not in html


def test_shared_plan_ladder(cast, shared_plan, client, auth_client):
    url = shared_url(cast)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert auth_client(cast.outsider).get(url).status_code == 404
    assert auth_client(cast.other_leader).get(url).status_code == 404
    assert auth_client(cast.trustee).get(url).status_code == 404
    assert auth_client(cast.member).get(url).status_code == 403  # a member, not a leader
    response = auth_client(cast.co_leader).get(url)
    assert response.status_code == 200 and SECRET in response.content.decode()
    viewed = AuditEvent.objects.get(action="wellbeing.safety_plan.viewed")
    assert viewed.actor_id == cast.co_leader.pk and viewed.data == {"group_id": cast.group.pk}


def test_leaders_see_the_plan_only_while_it_is_shared(cast, shared_plan, auth_client):
    leader = auth_client(cast.leader)
    listing = reverse("wellbeing:group_safety_plans", args=[cast.group.slug])
    assert "Member Mo" in leader.get(listing).content.decode()
    assert leader.get(shared_url(cast)).status_code == 200

    member = auth_client(cast.member)
    member.post(PLAN, plan_form(warning_signs=SECRET))  # the box unticked: stop sharing
    shares = list(AuditEvent.objects.filter(action__startswith="wellbeing.safety_plan.").values_list("action", "data"))
    assert ("wellbeing.safety_plan.shared", {"group_id": cast.group.pk}) in shares
    assert ("wellbeing.safety_plan.unshared", {"group_id": cast.group.pk}) in shares

    leader = auth_client(cast.leader)
    assert leader.get(shared_url(cast)).status_code == 404
    assert "Member Mo" not in leader.get(listing).content.decode()


def test_sharing_is_chosen_on_the_plan_page_with_the_members_own_groups_only(cast, auth_client):
    client = auth_client(cast.member)
    html = client.get(PLAN).content.decode()
    assert cast.group.name in html and cast.other_group.name not in html
    response = client.post(PLAN, plan_form(warning_signs=SECRET, shared_groups=[cast.other_group.pk]))
    assert response.status_code == 200  # not one of their groups: refused
    assert not SafetyPlan.objects.filter(shared_with=cast.other_group).exists()
    client.post(PLAN, plan_form(warning_signs=SECRET, shared_groups=[cast.group.pk]))
    assert SafetyPlan.objects.get(user=cast.member).shared_with.get() == cast.group


def test_a_member_who_leaves_the_group_is_no_longer_readable_there(cast, shared_plan, auth_client):
    from groups.models import Membership

    Membership.objects.filter(group=cast.group, user=cast.member).update(status=Membership.Status.LEFT)
    assert auth_client(cast.leader).get(shared_url(cast)).status_code == 404


def test_the_plan_is_in_the_data_export(cast, shared_plan, auth_client):
    response = auth_client(cast.member).post(reverse("members:download_my_data"))
    data = json.loads(response.content)
    assert data["safety_plan"]["My warning signs"] == SECRET
    assert data["safety_plan"]["shared_with_the_leaders_of"] == [cast.group.name]


def test_someone_elses_export_holds_no_plan(cast, shared_plan, auth_client):
    response = auth_client(cast.co_leader).post(reverse("members:download_my_data"))
    assert SECRET not in response.content.decode()


def test_erasure_removes_the_plan_and_its_shares(cast, shared_plan):
    erase_account(cast.member, actor=cast.member)
    assert not SafetyPlan.objects.exists()
    assert not SafetyPlan.shared_with.through.objects.exists()


def test_the_member_deletes_their_plan(cast, shared_plan, auth_client):
    response = auth_client(cast.member).post(reverse("wellbeing:safety_plan_delete"))
    assert response.status_code == 302
    assert not SafetyPlan.objects.exists()
    assert AuditEvent.objects.filter(action="wellbeing.safety_plan.deleted").exists()


def test_the_plan_is_one_tap_from_the_room(site, auth_client):
    html = auth_client(site.cast.member).get(reverse("sessions:room", args=[site.open_session.pk])).content.decode()
    assert f'href="{PLAN}"' in html
