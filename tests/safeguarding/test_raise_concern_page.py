"""Raising a concern from the group page, or from anywhere (choose the group first)."""

import pytest
from django.urls import reverse

from safeguarding.models import Concern

FORM = {"about": "self", "category": "risk_to_self", "risk_level": "medium", "details": "I am not coping this week."}


def url(cast) -> str:
    return reverse("safeguarding:raise_concern", args=[cast.group.slug])


def test_anonymous_visitor_is_sent_to_sign_in(client, cast):
    response = client.get(url(cast))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("other_leader", 404), ("pending", 403), ("removed", 403)]
)
def test_people_outside_the_group_are_refused(cast, auth_client, who, status):
    assert auth_client(getattr(cast, who)).get(url(cast)).status_code == status


@pytest.mark.parametrize("who", ["member", "leader"])
def test_members_and_leaders_see_the_form(cast, auth_client, who):
    response = auth_client(getattr(cast, who)).get(url(cast))

    assert response.status_code == 200
    assert b"<legend>Who is the concern about?</legend>" in response.content


def test_members_never_see_the_member_list_but_leaders_choose_from_it(cast, auth_client):
    member_page = auth_client(cast.member).get(url(cast)).content.decode()
    leader_page = auth_client(cast.leader).get(url(cast)).content.decode()

    # Members may name a leader (the leaders' names are on the group page), never another member.
    assert cast.suspended.display_name not in member_page and cast.removed.display_name not in member_page
    assert "Co Leader" in member_page and "raise this directly with the charity" not in member_page.lower()
    assert "Member Mo" in leader_page and "Raise this directly with the charity" in leader_page


def test_a_member_sends_a_concern(cast, auth_client):
    response = auth_client(cast.member).post(url(cast), FORM)

    assert (
        response.status_code == 302 and response["Location"] == reverse("safeguarding:my_concerns") + "?sent=1"
    )  # with help meanwhile
    concern = Concern.objects.get()
    assert (concern.raised_by, concern.group, concern.details, concern.to_trustees) == (
        cast.member,
        cast.group,
        FORM["details"],
        False,
    )


def test_a_member_can_name_another_member_in_words(cast, auth_client):
    auth_client(cast.member).post(url(cast), {**FORM, "about": "member", "about_name": "Sam"})

    concern = Concern.objects.get()
    assert concern.about == "member" and concern.about_user is None
    assert concern.details.startswith("About: Sam")


def test_missing_answers_are_shown_by_field(cast, auth_client):
    response = auth_client(cast.member).post(url(cast), {"about": "self"})

    assert response.status_code == 200
    for message in (b"Please choose what the concern is about.", b"Please write what is worrying you."):
        assert message in response.content
    assert not Concern.objects.exists()


def test_a_leader_raises_one_with_the_trustees_about_a_member(cast, auth_client):
    member_membership = cast.group.memberships.get(user=cast.member)

    auth_client(cast.leader).post(
        url(cast), {**FORM, "about": "member", "about_user": member_membership.pk, "to_trustees": "on"}
    )

    concern = Concern.objects.get()
    assert concern.to_trustees and concern.about_user == cast.member and concern.source == "leader"


def test_choosing_a_group_from_anywhere(cast, auth_client, membership_factory):
    start = reverse("safeguarding:concern_start")
    assert auth_client(cast.member).get(start)["Location"] == url(cast)  # only one group: straight on

    membership_factory(cast.other_group, cast.member)
    page = auth_client(cast.member).get(start)
    assert page.status_code == 200
    assert url(cast).encode() in page.content
    assert reverse("safeguarding:raise_concern", args=[cast.other_group.slug]).encode() in page.content


def test_someone_in_no_group_is_told_where_else_to_go(cast, auth_client):
    response = auth_client(cast.outsider).get(reverse("safeguarding:concern_start"))

    assert response.status_code == 200 and b"safeguarding leads" in response.content
