"""Signing out, a disabled account or a new password close the person's live room sockets.

Each socket re-checks its own sign-in (sessions.room.admission.check_signed_in) when asked: the sockets of the
sign-in that ended close at once; those of the person's other, still valid sign-ins stay open.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from core import live


@receiver(user_logged_out, dispatch_uid="members.close_sockets_on_sign_out")
def close_sockets_on_sign_out(sender, request, user, **kwargs) -> None:
    if user is None or request is None:
        return
    # logout() flushes the session just after sending this signal: flush it now, so that the sockets'
    # re-check, which may run before logout() returns, already finds the sign-in gone.
    request.session.flush()
    live.close_user_sockets(user.pk, reason="signed_out")


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="members.close_sockets_when_disabled")
def close_sockets_when_disabled(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    user_id = instance.pk
    transaction.on_commit(lambda: live.close_user_sockets(user_id, reason="account_disabled"))


@receiver(password_changed, dispatch_uid="members.close_sockets_on_password_change")
@receiver(password_set, dispatch_uid="members.close_sockets_on_password_set")
@receiver(password_reset, dispatch_uid="members.close_sockets_on_password_reset")
def close_other_sockets_on_new_password(sender, request, user, **kwargs) -> None:
    """A new password ends the person's other sign-ins (Django checks the password hash per session)."""
    user_id = user.pk
    transaction.on_commit(lambda: live.close_user_sockets(user_id, reason="password_changed"))
