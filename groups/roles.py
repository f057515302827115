"""Roles that depend on leading a group: who leads one, and who therefore must use two-step verification."""

from django.contrib.auth.models import AnonymousUser

from groups.models import Membership


def leads_any_group(user) -> bool:
    """True when the user is an active leader of at least one group (cached on the user object)."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    if not hasattr(user, "_ps_leads_any_group"):
        user._ps_leads_any_group = Membership.objects.active().leaders().filter(user=user).exists()
    return user._ps_leads_any_group


def leads_group(user, group) -> bool:
    """The one leader check: is `user` an active leader of this group (an instance or its id)? One query."""
    if not user.is_authenticated:
        return False
    return Membership.objects.active().leaders().filter(user=user, group_id=getattr(group, "pk", group)).exists()


def needs_mfa(user) -> bool:
    """Leaders, trustees and any staff user must use two-step verification."""
    return user.is_authenticated and (user.is_staff or user.is_superuser or leads_any_group(user))
