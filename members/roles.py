"""Who someone is in the charity: trustee, with two-step verification. Shared by views, consumers, admin and middleware.

Whether someone leads a group is groups' to say (groups/roles.py: leads_any_group, needs_mfa).
"""

from django.contrib.auth.models import AnonymousUser

TRUSTEES_GROUP = "Trustees"


def is_trustee(user) -> bool:
    """A trustee (safeguarding lead) is an active staff user in the Trustees group, or a superuser."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return False
    if not hasattr(user, "_ps_is_trustee"):
        user._ps_is_trustee = user.is_superuser or (user.is_staff and user.groups.filter(name=TRUSTEES_GROUP).exists())
    return user._ps_is_trustee


def has_mfa(user) -> bool:
    """Two-step verification set up: an authenticator app (TOTP) or a passkey (WebAuthn)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# The apps whose permissions trustees hold: safeguarding (and the audit trail, in core) in full, the rest to view
# and correct.
TRUSTEE_APP_LABELS = ("core", "safeguarding", "groups", "group_sessions", "members", "charity", "care", "wellbeing")


def sync_trustees_group(**kwargs) -> None:
    """Create the Trustees auth group and give it every permission of the trustee apps (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=TRUSTEES_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=TRUSTEE_APP_LABELS)
    group.permissions.add(*perms)
