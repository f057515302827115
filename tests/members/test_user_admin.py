"""Trustees can look after accounts in the admin, but only superusers decide who holds power."""

from django.urls import reverse

from members.models import User


def user_change_form(client, user):
    response = client.get(reverse("admin:members_user_change", args=[user.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_trustee_cannot_grant_superuser_staff_or_permissions(client, trustee_factory, user_factory):
    trustee = trustee_factory()
    member = user_factory()
    client.force_login(trustee)
    html = user_change_form(client, member)
    for field in ("is_superuser", "is_staff", "user_permissions", "groups"):
        assert f'name="{field}"' not in html, field
    # Even a hand-made POST cannot promote anyone, the trustee included.
    client.post(
        reverse("admin:members_user_change", args=[trustee.pk]),
        {
            "email": trustee.email,
            "display_name": trustee.display_name,
            "time_zone": "Europe/London",
            "is_active": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    trustee.refresh_from_db()
    assert trustee.is_superuser is False


def test_superuser_can_still_manage_access(client, user_factory):
    from tests.fixtures.factories import enable_mfa

    admin_user = user_factory(is_staff=True, is_superuser=True)
    enable_mfa(admin_user)
    client.force_login(admin_user)
    html = user_change_form(client, user_factory())
    assert 'name="is_superuser"' in html
    assert User.objects.filter(is_superuser=True).count() == 1
