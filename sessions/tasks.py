"""Session emails: reminders 24 hours and 1 hour before, and cancellations.

Tasks take ids only, re-fetch, and are idempotent: each email is claimed with a SessionEmailSent row
(unique per session, person and kind) in the transaction that sends it, so a task that runs twice sends
nothing twice, and a task cut short (worker killed) sends it when it runs again.
Emails hold the topic and time, never the meeting link.
"""

import logging
import smtplib
import zoneinfo
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.send_once import claim_row
from groups.models import Membership
from sessions.models import REMINDER_QUEUED_FIELDS, GroupSession, JoinToken, SessionEmailSent

logger = logging.getLogger(__name__)

RETRYABLE = (smtplib.SMTPException, ConnectionError, TimeoutError)


def _recipients(session: GroupSession, *, reminders_only: bool):
    """Active members and leaders of the session's group (only those who asked for reminders, if so)."""
    from members.models import User

    users = User.objects.filter(
        is_active=True,
        memberships__group_id=session.group_id,
        memberships__status=Membership.Status.ACTIVE,
    )
    if reminders_only:
        users = users.filter(email_reminders=True)
    return users.only("pk", "email", "display_name", "time_zone").order_by("pk")


def _in_time_zone(user):
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _send_once(session: GroupSession, user, kind: str, template: str) -> bool:
    """Claim and send in one transaction, True if sent now.

    The claim commits only once the email has gone: a failed send, or a worker killed half-way (the task
    then runs again, acks_late), gives the claim back. Another worker's claim waits on this one's row.
    """
    with transaction.atomic():
        if not claim_row(SessionEmailSent, session=session, user=user, kind=kind):
            return False  # already sent
        context = {"session": session, "user": user, "site_url": settings.SITE_URL}
        with timezone.override(_in_time_zone(user)):
            context["time_zone_name"] = timezone.get_current_timezone_name()
            subject = " ".join(render_to_string(f"sessions/email/{template}_subject.txt", context).split())
            body = render_to_string(f"sessions/email/{template}.txt", context)
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True


@shared_task(
    name="sessions.send_session_reminders",
    autoretry_for=RETRYABLE,
    retry_backoff=True,
    max_retries=5,
)
def send_session_reminders(session_id: int, kind: str) -> int:
    """Email a reminder of one kind to everyone in the group who asked for reminders. Returns how many went."""
    if kind not in REMINDER_QUEUED_FIELDS:
        logger.warning("Unknown reminder kind %r for session %s", kind, session_id)
        return 0
    session = (
        GroupSession.objects.select_related("group")
        .filter(pk=session_id, status__in=[GroupSession.Status.SCHEDULED, GroupSession.Status.OPEN])
        .first()
    )
    if session is None or session.starts_at <= timezone.now():
        return 0  # cancelled, ended, deleted or already started: a reminder would only confuse
    sent = sum(_send_once(session, user, kind, "reminder") for user in _recipients(session, reminders_only=True))
    logger.info("Sent %d %s reminder(s) for session %s", sent, kind, session_id)
    return sent


@shared_task(
    name="sessions.send_cancellation_emails",
    autoretry_for=RETRYABLE,
    retry_backoff=True,
    max_retries=5,
)
def send_cancellation_emails(session_id: int) -> int:
    """Tell every active member that a session was cancelled (whatever their reminder choice)."""
    session = (
        GroupSession.objects.select_related("group").filter(pk=session_id, status=GroupSession.Status.CANCELLED).first()
    )
    if session is None:
        return 0
    kind = SessionEmailSent.Kind.CANCELLED
    sent = sum(_send_once(session, user, kind, "cancelled") for user in _recipients(session, reminders_only=False))
    logger.info("Sent %d cancellation email(s) for session %s", sent, session_id)
    return sent


@shared_task(name="sessions.dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    """Run by beat every few minutes: queue one reminder task per session and kind that is due.

    The session row is claimed with a conditional update, so two dispatchers never queue the same
    reminder twice; the reminder task is idempotent as well.
    """
    now = timezone.now()
    queued = 0
    for kind, field in REMINDER_QUEUED_FIELDS.items():
        for session_id in GroupSession.objects.due_reminder(kind, now=now).values_list("pk", flat=True):
            unclaimed = GroupSession.objects.filter(pk=session_id, **{f"{field}__isnull": True})
            with transaction.atomic():
                claimed = unclaimed.update(**{field: now})
                if claimed:
                    send_session_reminders.delay_on_commit(session_id, str(kind))
                    queued += 1
    return queued


@shared_task(name="sessions.purge_join_tokens")
def purge_join_tokens() -> int:
    """Used and expired join tickets are of no further use; delete those older than a day."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = JoinToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
