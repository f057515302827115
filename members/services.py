"""Changes to someone's sign-in made by another person (a superuser in the admin).

Only superusers may set another person's password or change their sign-in email (members/admin.py);
every such change is audited in the same transaction and the person is emailed, so a change they did
not expect does not go unnoticed.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from core.audit import record

logger = logging.getLogger(__name__)


def _tell_on_commit(template: str, *, to: str, context: dict) -> None:
    """Email one address after commit. Sent here, not from a task: the old address of an email change
    exists only in this request, and a task's arguments would carry it."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"members/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"members/email/{template}.txt", context)

    def send() -> None:
        try:
            send_mail(subject, body, None, [to])
        except Exception:
            logger.warning("members: could not email a notice of an account change", exc_info=True)

    transaction.on_commit(send)


@transaction.atomic
def record_password_set_by_admin(user, *, actor) -> None:
    """Audit a password set for someone in the admin and tell them."""
    record("members.user.password_set", actor=actor, subject=user, data={"by_someone_else": actor.pk != user.pk})
    _tell_on_commit("password_set_by_admin", to=user.email, context={"user": user})


@transaction.atomic
def change_sign_in_email(user, *, actor, new_email: str, old_email: str) -> None:
    """Audit a new sign-in email set in the admin, move the primary address to it, and tell both addresses."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=new_email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=new_email, defaults={"email": new_email, "primary": True, "verified": True}
    )
    record("members.user.email_changed", actor=actor, subject=user, data={})
    for address in (old_email, new_email):
        _tell_on_commit("email_changed_by_admin", to=address, context={"user": user})
