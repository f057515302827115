"""Leaders edit the group's guidelines: each edit is a new version, and members are asked to agree again."""

import pytest
from django.urls import reverse

from groups.models import GuidelinesVersion, Membership
from tests.groups.conftest import LADDER, LEADER_PAGE, assert_outcome


def edit_url(cast) -> str:
    return reverse("groups:edit_guidelines", args=[cast.group.slug])


def form_data(cast, **changes):
    current = cast.group.current_guidelines()
    data = {"principles": current.principles, "guidelines": current.guidelines, "change_summary": "Small change"}
    return {**data, **changes}


@pytest.mark.parametrize("who", LADDER)
def test_editing_guidelines_follows_the_permission_ladder(who, as_person, cast):
    client = as_person(who)
    assert_outcome(client.get(edit_url(cast)), LEADER_PAGE[who])
    response = client.post(edit_url(cast), form_data(cast, guidelines="Be gentle.\r\n"))
    assert_outcome(response, LEADER_PAGE[who], success=302)
    assert cast.group.guideline_versions.count() == (2 if LEADER_PAGE[who] == 200 else 1)


def test_editor_starts_from_the_current_text(as_person, cast):
    GuidelinesVersion.objects.create(group=cast.group, number=2, guidelines="Listening\nWe listen first.")
    html = as_person("leader").get(edit_url(cast)).content.decode()
    assert "We listen first." in html


def test_an_edit_makes_a_new_version_and_members_are_asked_again(as_person, cast, audit_actions):
    response = as_person("leader").post(
        edit_url(cast), form_data(cast, guidelines="Kindness\r\nWe are kind.\r\n", change_summary="Shorter")
    )
    assert response.status_code == 302
    version = cast.group.current_guidelines()
    assert (version.number, version.guidelines, version.change_summary) == (2, "Kindness\nWe are kind.", "Shorter")
    assert version.created_by == cast.leader
    assert "groups.guidelines.version_created" in audit_actions()
    assert not Membership.objects.get(user=cast.member, group=cast.group).has_agreed_to_current()


def test_saving_without_changes_makes_no_new_version(as_person, cast):
    # Browsers send CRLF line ends: the unchanged text must still count as unchanged.
    data = form_data(cast)
    data["guidelines"] = data["guidelines"].replace("\n", "\r\n")
    response = as_person("leader").post(edit_url(cast), data)
    assert response.status_code == 200
    assert "Nothing has changed yet" in response.content.decode()
    assert cast.group.guideline_versions.count() == 1


def test_a_change_summary_is_needed(as_person, cast):
    response = as_person("leader").post(edit_url(cast), form_data(cast, guidelines="New", change_summary=""))
    assert response.status_code == 200
    assert 'id="id_change_summary_error"' in response.content.decode()
