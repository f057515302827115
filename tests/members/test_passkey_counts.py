"""A passkey counts as two-step verification for leaders and trustees, like an authenticator app."""

from allauth.mfa.models import Authenticator
from django.urls import reverse

from groups.models import Membership


def test_a_leader_with_only_a_passkey_is_not_sent_to_set_up_an_app(auth_client, cast, user_factory):
    leader = user_factory()
    Membership.objects.create(group=cast.group, user=leader, role="leader", status="active")
    client = auth_client(leader)
    page = reverse("groups:members", args=[cast.group.slug])
    assert client.get(page).url.startswith(reverse("mfa_activate_totp"))  # control: nothing set up yet

    Authenticator.objects.create(user=leader, type=Authenticator.Type.WEBAUTHN, data={"name": "My phone"})

    assert client.get(page).status_code == 200


def test_the_set_up_prompt_offers_a_passkey(auth_client, cast, user_factory):
    leader = user_factory()
    Membership.objects.create(group=cast.group, user=leader, role="leader", status="active")
    client = auth_client(leader)
    response = client.get(reverse("groups:members", args=[cast.group.slug]), follow=True)
    assert "passkey" in response.content.decode()
    assert client.get(reverse("mfa_add_webauthn")).status_code in (200, 302)  # offered (maybe after the password)
