"""Trustees' admin: groups with read-only guideline versions (adding a new one), memberships with audited roles."""

import pytest
from django.urls import reverse

from groups import texts
from groups.models import GuidelinesVersion, Membership, SupportGroup

R, S = Membership.Role, Membership.Status


@pytest.fixture
def trustee_client(auth_client, cast):
    return auth_client(cast.trustee)


def group_form(group, **extra):
    """The change form's POST data: the group's fields and the guidelines inline (one read-only row, one new)."""
    current = group.current_guidelines()
    data = {
        "name": group.name,
        "slug": group.slug,
        "description": group.description,
        "who_it_is_for": group.who_it_is_for,
        "meeting_rhythm": group.meeting_rhythm,
        "welfare_threshold_minutes": group.welfare_threshold_minutes,
        "chat_word_list": group.chat_word_list,
        "is_open_to_requests": "on",
        "guideline_versions-TOTAL_FORMS": "2",
        "guideline_versions-INITIAL_FORMS": "1",
        "guideline_versions-MIN_NUM_FORMS": "0",
        "guideline_versions-MAX_NUM_FORMS": "1000",
        "guideline_versions-0-id": str(current.pk),
        "guideline_versions-0-group": str(group.pk),
        "guideline_versions-1-id": "",
        "guideline_versions-1-group": str(group.pk),
        # As a browser sends the untouched textareas back: with CRLF line ends.
        "guideline_versions-1-principles": current.principles.replace("\n", "\r\n"),
        "guideline_versions-1-guidelines": current.guidelines.replace("\n", "\r\n"),
        "guideline_versions-1-change_summary": "",
    }
    return {**data, **extra}


@pytest.mark.parametrize("who", ["member", "leader"])
def test_people_who_are_not_staff_cannot_open_the_admin(who, auth_client, cast):
    response = auth_client(getattr(cast, who)).get(reverse("admin:groups_membership_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_trustees_see_groups_and_memberships(trustee_client, cast):
    assert cast.group.name in trustee_client.get(reverse("admin:groups_supportgroup_changelist")).content.decode()
    html = trustee_client.get(reverse("admin:groups_membership_changelist")).content.decode()
    assert cast.member.display_name in html


@pytest.mark.parametrize("query", [{"status__exact": "pending"}, {"role__exact": "leader"}])
def test_trustees_filter_memberships_by_status_and_role(query, trustee_client, cast):
    response = trustee_client.get(reverse("admin:groups_membership_changelist"), query)
    shown = {m.user for m in response.context["cl"].result_list}
    expected = cast.pending if "status__exact" in query else cast.leader
    assert expected in shown
    assert cast.member not in shown


def test_trustees_filter_memberships_by_group(trustee_client, cast):
    response = trustee_client.get(reverse("admin:groups_membership_changelist"), {"group__id__exact": cast.group.pk})
    assert {m.group for m in response.context["cl"].result_list} == {cast.group}


def test_changing_a_role_in_the_admin_is_audited(trustee_client, cast, audit_actions):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    url = reverse("admin:groups_membership_change", args=[membership.pk])
    assert trustee_client.get(url).status_code == 200
    response = trustee_client.post(url, {"role": R.LEADER})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == R.LEADER
    assert audit_actions()[-1] == "groups.membership.role_changed"


def test_the_admin_keeps_a_group_from_losing_its_last_leader(trustee_client, cast, audit_actions):
    Membership.objects.filter(user=cast.co_leader).update(role=R.MEMBER)
    membership = Membership.objects.get(user=cast.leader, group=cast.group)
    response = trustee_client.post(reverse("admin:groups_membership_change", args=[membership.pk]), {"role": R.MEMBER})
    assert response.status_code == 200
    assert "always needs a leader" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == R.LEADER
    assert "groups.membership.role_changed" not in audit_actions()


def test_status_cannot_be_changed_by_hand_in_the_admin(trustee_client, cast):
    membership = Membership.objects.get(user=cast.removed, group=cast.group)
    trustee_client.post(
        reverse("admin:groups_membership_change", args=[membership.pk]), {"role": R.MEMBER, "status": S.ACTIVE}
    )
    membership.refresh_from_db()
    assert membership.status == S.REMOVED


def test_a_trustee_appoints_a_new_groups_first_leader(trustee_client, cast, user_factory, audit_actions):
    person = user_factory()
    response = trustee_client.post(
        reverse("admin:groups_membership_add"), {"group": cast.other_group.pk, "user": person.pk, "role": R.LEADER}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, group=cast.other_group)
    assert (membership.role, membership.status) == (R.LEADER, S.ACTIVE)
    assert audit_actions()[-1] == "groups.membership.added"


def test_a_new_group_starts_with_the_charitys_guidelines(trustee_client, cast, audit_actions):
    response = trustee_client.post(
        reverse("admin:groups_supportgroup_add"),
        {
            "name": "Carers' circle",
            "slug": "carers-circle",
            "description": "For people caring for someone.",
            "meeting_rhythm": "Thursdays, 1 pm",
            "welfare_threshold_minutes": "10",
            "chat_word_list": "",
            "is_open_to_requests": "on",
            "guideline_versions-TOTAL_FORMS": "0",
            "guideline_versions-INITIAL_FORMS": "0",
            "guideline_versions-MIN_NUM_FORMS": "0",
            "guideline_versions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = SupportGroup.objects.get(slug="carers-circle").current_guidelines()
    assert (version.number, version.guidelines) == (1, texts.GUIDELINES_TEXT)
    assert audit_actions()[-1] == "groups.guidelines.version_created"


def test_a_reserved_slug_is_refused(trustee_client, cast):
    response = trustee_client.post(
        reverse("admin:groups_supportgroup_add"),
        {"name": "Mine", "slug": "mine", "description": "x", "meeting_rhythm": "x", "welfare_threshold_minutes": "10"},
    )
    assert response.status_code == 200
    assert not SupportGroup.objects.filter(slug="mine").exists()


def test_a_new_version_identical_to_the_current_one_is_refused(trustee_client, cast):
    url = reverse("admin:groups_supportgroup_change", args=[cast.group.pk])
    response = trustee_client.post(url, group_form(cast.group, **{"guideline_versions-1-change_summary": "Same"}))
    assert response.status_code == 200
    assert "same as the current one" in response.content.decode()
    assert GuidelinesVersion.objects.filter(group=cast.group).count() == 1


def test_guideline_versions_are_read_only_in_the_admin(trustee_client, cast):
    html = trustee_client.get(reverse("admin:groups_supportgroup_change", args=[cast.group.pk])).content.decode()
    assert 'name="guideline_versions-0-guidelines"' not in html  # the existing version has no input
    assert 'name="guideline_versions-1-guidelines"' in html  # one form for a new version


def test_a_trustee_adds_a_new_version_of_the_guidelines(trustee_client, cast, audit_actions):
    url = reverse("admin:groups_supportgroup_change", args=[cast.group.pk])
    data = group_form(
        cast.group,
        **{
            "guideline_versions-1-guidelines": "Respect\nWe respect each other.",
            "guideline_versions-1-change_summary": "The charity's new wording",
        },
    )
    response = trustee_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    versions = list(GuidelinesVersion.objects.filter(group=cast.group).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].guidelines == texts.GUIDELINES_TEXT  # the old version is untouched
    assert versions[1].guidelines == "Respect\nWe respect each other."
    assert versions[1].created_by == cast.trustee
    assert "groups.guidelines.version_created" in audit_actions()


def test_saving_a_group_without_touching_the_guidelines_makes_no_version(trustee_client, cast):
    url = reverse("admin:groups_supportgroup_change", args=[cast.group.pk])
    response = trustee_client.post(url, group_form(cast.group, description="A kinder description."))
    assert response.status_code == 302
    assert GuidelinesVersion.objects.filter(group=cast.group).count() == 1


def test_groups_and_memberships_cannot_be_deleted_in_the_admin(trustee_client, cast):
    membership = Membership.objects.get(user=cast.member, group=cast.group)
    assert trustee_client.get(reverse("admin:groups_membership_delete", args=[membership.pk])).status_code == 403
    assert trustee_client.get(reverse("admin:groups_supportgroup_delete", args=[cast.group.pk])).status_code == 403
