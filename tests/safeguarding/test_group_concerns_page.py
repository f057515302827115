"""The leaders' concerns inbox for their group."""

import pytest
from django.urls import reverse

from tests.safeguarding.conftest import CONCERN_TEXT


def url(cast) -> str:
    return reverse("safeguarding:group_concerns", args=[cast.group.slug])


def test_anonymous_visitor_is_sent_to_sign_in(client, cast):
    assert client.get(url(cast)).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("other_leader", 404), ("trustee", 404), ("member", 403), ("pending", 403)]
)
def test_the_ladder(cast, auth_client, who, status):
    assert auth_client(getattr(cast, who)).get(url(cast)).status_code == status


def test_leaders_see_concerns_raised_with_them_without_their_text(cast, auth_client, concern_factory):
    concern_factory()
    concern_factory(raised_by=cast.co_leader, to_trustees=True, details="For the trustees only")

    response = auth_client(cast.leader).get(url(cast))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Member Mo" in text and "Risk to another adult" in text
    assert CONCERN_TEXT not in text
    assert text.count("/safeguarding/concerns/") == 1  # the concern sent to the trustees is not listed


def test_query_count_is_flat(cast, auth_client, concern_factory, django_assert_num_queries):
    for _ in range(3):
        concern_factory()
    client = auth_client(cast.leader)

    # session, user, leads-any-group (MFA middleware), MFA authenticator, membership with group,
    # concerns joined with who raised them
    with django_assert_num_queries(6):
        client.get(url(cast))
