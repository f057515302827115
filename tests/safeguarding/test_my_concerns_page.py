"""My concerns: the raiser sees where each concern has got to, never its text on the list."""

from django.urls import reverse

from tests.safeguarding.conftest import CONCERN_TEXT

URL = reverse("safeguarding:my_concerns")


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_list_shows_status_only(cast, auth_client, concern_factory):
    concern_factory()

    response = auth_client(cast.member).get(URL)

    assert response.status_code == 200
    assert b"New" in response.content and b"Evening group" in response.content
    assert CONCERN_TEXT.encode() not in response.content


def test_the_list_holds_only_my_own_concerns(cast, auth_client, concern_factory):
    concern_factory(raised_by=cast.co_leader)

    response = auth_client(cast.member).get(URL)

    assert b"You haven't raised any concerns." in response.content


def test_query_count_is_flat(cast, auth_client, concern_factory, django_assert_num_queries):
    for _ in range(3):
        concern_factory()
    client = auth_client(cast.member)

    # session, user, MFA check (leads any group), concerns joined with their groups
    with django_assert_num_queries(4):
        client.get(URL)


def test_the_raiser_sees_their_concern_status_without_its_text_and_unaudited(cast, auth_client, concern_factory):
    from core.models import AuditEvent

    concern = concern_factory()

    response = auth_client(cast.member).get(reverse("safeguarding:concern_detail", args=[concern.pk]))

    assert response.status_code == 200
    assert b"Where it is" in response.content
    assert CONCERN_TEXT.encode() not in response.content
    assert not AuditEvent.objects.filter(action="safeguarding.concern.read").exists()
