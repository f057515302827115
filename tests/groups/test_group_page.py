"""The group page: principles, guidelines, upcoming sessions and the leaders' names, never the member list."""

import pytest
from django.urls import reverse

from groups.models import GuidelinesVersion
from tests.groups.conftest import LADDER, MEMBER_PAGE, assert_outcome


@pytest.mark.parametrize("who", LADDER)
def test_group_page_follows_the_permission_ladder(who, as_person, cast):
    response = as_person(who).get(reverse("groups:detail", args=[cast.group.slug]))
    assert_outcome(response, MEMBER_PAGE[who])


def test_group_page_shows_leaders_names_but_never_the_members(as_person, cast):
    html = as_person("member").get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "Leader Lee" in html
    assert "Co Leader" in html
    assert "Member Mo" not in html  # not even their own name in a list of members


def test_group_page_shows_the_current_principles_and_guidelines(as_person, cast):
    GuidelinesVersion.objects.create(group=cast.group, number=2, guidelines="Kindness\nBe kind to each other.")
    html = as_person("leader").get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "Be kind to each other." in html
    assert "Mutual benefit" in html
    assert "Version 2" in html


def test_group_page_lists_upcoming_sessions_but_not_cancelled_or_past_ones(as_person, cast, session_factory):
    from datetime import timedelta

    from sessions.models import GroupSession

    session_factory(cast.group, topic="Sleep and worry")
    session_factory(cast.group, topic="Called off", status=GroupSession.Status.CANCELLED)
    session_factory(cast.group, topic="Last month", starts_in=-timedelta(days=30))
    session_factory(cast.other_group, topic="Another group's evening")
    html = as_person("member").get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "Sleep and worry" in html
    assert "Called off" not in html
    assert "Last month" not in html
    assert "Another group" not in html


def test_group_page_never_contains_a_meeting_link(as_person, cast, session_factory):
    session_factory(cast.group, meeting_link="https://meet.example.org/very-secret-room")
    html = as_person("member").get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert "very-secret-room" not in html


def test_leaders_see_links_to_the_members_page_and_the_guidelines_editor(as_person, cast):
    slug = cast.group.slug
    leader_html = as_person("leader").get(reverse("groups:detail", args=[slug])).content.decode()
    assert reverse("groups:members", args=[slug]) in leader_html
    assert reverse("groups:edit_guidelines", args=[slug]) in leader_html
    assert reverse("safeguarding:group_safeguarding", args=[slug]) in leader_html


def test_members_can_message_the_leaders_in_confidence_from_the_group_page(as_person, cast):
    html = as_person("member").get(reverse("groups:detail", args=[cast.group.slug])).content.decode()
    assert reverse("safeguarding:raise_concern", args=[cast.group.slug]) in html


def test_members_do_not_see_the_leaders_links(as_person, cast):
    slug = cast.group.slug
    member_html = as_person("member").get(reverse("groups:detail", args=[slug])).content.decode()
    assert reverse("groups:members", args=[slug]) not in member_html
    assert reverse("groups:edit_guidelines", args=[slug]) not in member_html
    assert f'href="{reverse("safeguarding:group_safeguarding", args=[slug])}"' not in member_html


def test_archived_group_is_not_found_even_for_its_members(as_person, cast):
    cast.group.is_archived = True
    cast.group.save(update_fields=["is_archived"])
    assert as_person("member").get(reverse("groups:detail", args=[cast.group.slug])).status_code == 404


def add_people_and_sessions(cast, membership_factory, session_factory, n: int) -> None:
    from datetime import timedelta

    for i in range(n):
        membership_factory(cast.group)
        session_factory(cast.group, starts_in=timedelta(days=i + 1))


@pytest.mark.parametrize("n", [1, 20])
@pytest.mark.parametrize(("who", "queries"), [("member", 8), ("leader", 9)])
def test_group_page_query_count_does_not_grow_with_members_or_sessions(
    as_person, cast, membership_factory, session_factory, django_assert_num_queries, n, who, queries
):
    add_people_and_sessions(cast, membership_factory, session_factory, n)
    client = as_person(who)
    with django_assert_num_queries(queries):
        response = client.get(reverse("groups:detail", args=[cast.group.slug]))
    assert response.status_code == 200
    assert len(response.context["sessions"]) == min(n, 6)  # the page shows the next six
