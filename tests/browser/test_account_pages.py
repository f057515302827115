"""allauth's pages in our words and styles: kind wording, and Cancel as a secondary button."""

import re

from tests.fixtures.factories import TEST_PASSWORD


def test_the_sign_in_page_speaks_plainly(client):
    html = client.get("/accounts/login/").content.decode()

    assert "Welcome back. New here?" in html
    assert "Keep me signed in on this device" in html
    assert "Sign In" not in html and "Remember Me" not in html


def test_the_two_step_page_offers_cancel_as_a_secondary_button(client, cast):
    client.post("/accounts/login/", {"login": cast.leader.email, "password": TEST_PASSWORD})
    html = client.get("/accounts/2fa/authenticate/").content.decode()

    assert "Two-step verification" in html
    sign_in = re.search(r"<button[^>]*>\s*Sign in\s*</button>", html).group(0)
    cancel = re.search(r"<button[^>]*>\s*Cancel\s*</button>", html).group(0)
    assert 'class="secondary"' in cancel
    assert "class=" not in sign_in  # the primary action keeps the main button style


def test_allauth_fields_have_labels_tied_to_inputs_and_no_colons(client):
    html = client.get("/accounts/signup/").content.decode()

    assert '<label for="id_email">Email</label>' in html
    assert ":</label>" not in html
