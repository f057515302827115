"""Follow-up and conversation emails (the retention purge runs beside its service, care/conversations.py).
Tasks take primary keys only, re-fetch, and are
idempotent: each email is claimed with a conditional update in the transaction that sends it (the project's
send-once pattern, see safeguarding/tasks.py), so a task that runs twice sends nothing twice.

Emails say only that there is something to look at, with a link: never a member's name or words.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from care.readers import other_side
from core.send_once import claim_mark


def _send(template: str, *, to: list[str], context: dict) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"care/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"care/email/{template}.txt", context)
    send_mail(subject, body, None, to)


def _leader_emails(group_id: int) -> list[str]:
    from groups.models import Membership

    leaders = Membership.objects.active().leaders().filter(group_id=group_id, user__is_active=True)
    return sorted(leaders.values_list("user__email", flat=True))


@shared_task(name="care.tasks.dispatch_follow_up_emails")
def dispatch_follow_up_emails() -> int:
    """Run by beat every few minutes: queue a reminder for each follow-up nobody has claimed for a few hours,
    and a note to the trustees for each one still open a day on. Each is sent once (claimed by its task)."""
    from care.models import FollowUp

    unclaimed = list(FollowUp.objects.unclaimed_for(settings.FOLLOW_UP_UNCLAIMED_HOURS).values_list("pk", flat=True))
    overdue = list(FollowUp.objects.overdue().filter(trustees_told_at__isnull=True).values_list("pk", flat=True))
    for pk in unclaimed:
        email_leaders_follow_up_unclaimed.delay(pk)
    for pk in overdue:
        email_trustees_follow_up_overdue.delay(pk)
    return len(unclaimed) + len(overdue)


@shared_task(name="care.tasks.email_leaders_follow_up_unclaimed")
def email_leaders_follow_up_unclaimed(follow_up_id: int) -> None:
    from care.models import FollowUp

    follow_up = FollowUp.objects.select_related("group").filter(pk=follow_up_id).first()
    if follow_up is None or not follow_up.is_open or follow_up.owner_id:
        return
    with transaction.atomic():
        if not claim_mark(FollowUp, follow_up.pk, "leaders_reminded_at"):
            return
        recipients = _leader_emails(follow_up.group_id)
        if recipients:
            url = settings.SITE_URL + reverse("care:group_follow_ups", args=[follow_up.group.slug])
            _send("follow_up_unclaimed", to=recipients, context={"group": follow_up.group, "url": url})


@shared_task(name="care.tasks.email_trustees_follow_up_overdue")
def email_trustees_follow_up_overdue(follow_up_id: int) -> None:
    from care.models import FollowUp
    from safeguarding.permissions import trustees

    follow_up = FollowUp.objects.select_related("group").filter(pk=follow_up_id).first()
    if follow_up is None or not follow_up.is_open:
        return
    with transaction.atomic():
        if not claim_mark(FollowUp, follow_up.pk, "trustees_told_at"):
            return
        recipients = sorted(trustees().values_list("email", flat=True))
        if recipients:
            url = settings.SITE_URL + reverse("admin:care_followup_changelist") + "?overdue=yes"
            _send("follow_up_overdue", to=recipients, context={"group": follow_up.group, "url": url})


@shared_task(name="care.tasks.email_new_message")
def email_new_message(message_id: int) -> None:
    """Tell the other side of a conversation there is a new message: a link, never the words or who wrote."""
    from care.models import Message
    from members.models import User

    message = Message.objects.select_related("conversation__group", "conversation__concern").filter(pk=message_id)
    message = message.defer("body").first()
    if message is None:
        return
    conversation = message.conversation
    readers = other_side(conversation, from_leaders=message.from_leaders)
    with transaction.atomic():
        if not claim_mark(Message, message.pk, "notified_at"):
            return
        recipients = sorted(User.objects.filter(pk__in=readers, is_active=True).values_list("email", flat=True))
        if recipients:
            url = settings.SITE_URL + reverse("care:conversation", args=[conversation.pk])
            # One email per person: nobody sees who else was told.
            for email in recipients:
                _send("new_message", to=[email], context={"group": conversation.group, "url": url})
