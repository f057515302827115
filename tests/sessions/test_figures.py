"""The first round's attendance table (/sessions/figures/) is now the funders' figures: one figures page.

Old bookmarks still work for trustees, and the address still tells nobody else anything.
"""

import pytest
from django.urls import reverse

from tests.sessions.conftest import assert_login_redirect, page_text


@pytest.mark.parametrize("role", ["outsider", "member", "leader", "other_leader"])
def test_only_trustees_are_sent_on(client_as, role):
    response = client_as(role).get(reverse("sessions:figures"))
    assert response.status_code == 403
    assert "trustees" in page_text(response)


def test_anonymous_visitor_is_sent_to_sign_in(client_as):
    assert_login_redirect(client_as("anonymous").get(reverse("sessions:figures")))


def test_non_trustee_staff_are_refused(client_as, cast, user_factory, auth_client):
    from tests.fixtures.factories import enable_mfa

    staff = user_factory(is_staff=True)
    enable_mfa(staff)
    assert auth_client(staff).get(reverse("sessions:figures")).status_code == 403


def test_a_trustee_lands_on_the_funders_figures(client_as):
    response = client_as("trustee").get(reverse("sessions:figures"), follow=True)

    assert response.redirect_chain == [(reverse("safeguarding:funder_figures"), 301)]
    assert response.status_code == 200
    assert "Sessions run" in page_text(response)
