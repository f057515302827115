"""Public pages describe themselves to search engines and link previews (a crawler's first complaint)."""

import re

import pytest
from django.urls import reverse

PUBLIC = ["home", "groups:directory", "safeguarding_policy", "account_login", "account_signup"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_have_a_meta_description_of_a_sensible_length(client, name):
    html = client.get(reverse(name)).content.decode()
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    assert 50 <= len(found[0]) <= 180, found[0]


@pytest.mark.django_db
def test_the_main_public_pages_describe_themselves_differently(client):
    texts = {
        re.search(r'<meta name="description" content="([^"]*)">', client.get(reverse(n)).content.decode())[1]
        for n in ("home", "groups:directory", "safeguarding_policy")
    }
    assert len(texts) == 3
