"""The public directory and asking to join: name, description and rhythm only; requests need an account."""

import pytest
from django.core import mail
from django.urls import reverse

from groups.models import Membership
from tests.groups.conftest import LADDER, assert_outcome

S = Membership.Status


def test_directory_lists_open_groups_with_name_description_and_rhythm_only(client, cast, group_factory):
    cast.group.who_it_is_for = "Adults living with anxiety"
    cast.group.save(update_fields=["who_it_is_for"])
    group_factory("Closed circle", is_open_to_requests=False)
    group_factory("Old group", is_archived=True)
    response = client.get(reverse("groups:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.group.name in html and cast.group.description in html and cast.group.meeting_rhythm in html
    assert "Closed circle" not in html and "Old group" not in html
    assert "Adults living with anxiety" not in html
    for person in (cast.leader, cast.member):
        assert person.display_name not in html
    assert reverse("groups:ask", args=[cast.group.slug]) in html


@pytest.mark.parametrize("who", LADDER)
def test_the_ask_page_of_an_open_group_needs_only_an_account(who, as_person, cast):
    # The group is in the public directory: anyone signed in may ask (asking again is answered kindly).
    response = as_person(who).get(reverse("groups:ask", args=[cast.group.slug]))
    assert_outcome(response, "login" if who == "anonymous" else 200)


def test_a_group_not_open_to_requests_cannot_be_asked(auth_client, cast):
    cast.group.is_open_to_requests = False
    cast.group.save(update_fields=["is_open_to_requests"])
    assert auth_client(cast.outsider).get(reverse("groups:ask", args=[cast.group.slug])).status_code == 404


def test_asking_to_join_with_a_note_tells_each_leader_separately(auth_client, cast, django_capture_on_commit_callbacks):
    client = auth_client(cast.outsider)
    assert client.get(reverse("groups:ask", args=[cast.group.slug])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("groups:ask", args=[cast.group.slug]), {"note": "I struggle with mornings."})
    assert response.status_code == 302
    assert response.url == reverse("groups:mine")
    membership = Membership.objects.get(user=cast.outsider, group=cast.group)
    assert (membership.status, membership.request_note) == (S.PENDING, "I struggle with mornings.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.leader.email, cast.co_leader.email])
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert cast.outsider.display_name in message.body
        assert "mornings" not in message.body  # the note may be personal: leaders read it on the site
        assert cast.member.display_name not in message.body
        assert reverse("groups:members", args=[cast.group.slug]) in message.body


def test_asking_without_a_note_is_fine(auth_client, cast):
    response = auth_client(cast.outsider).post(reverse("groups:ask", args=[cast.group.slug]), {"note": ""})
    assert response.status_code == 302
    assert Membership.objects.get(user=cast.outsider, group=cast.group).status == S.PENDING


@pytest.mark.parametrize("who", ["member", "pending", "removed"])
def test_asking_again_explains_why_and_changes_nothing(who, auth_client, cast):
    before = Membership.objects.get(user=getattr(cast, who), group=cast.group).status
    client = auth_client(getattr(cast, who))
    response = client.post(reverse("groups:ask", args=[cast.group.slug]), {"note": "again"}, follow=True)
    assert response.status_code == 200
    assert len(response.context["messages"]) == 1
    assert Membership.objects.get(user=getattr(cast, who), group=cast.group).status == before
