"""Emails about joining and leadership. Tasks take primary keys, re-fetch, and send each email once.

Every email goes to one person, names no other member and never contains a meeting link.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from core.send_once import claim_row
from groups.models import GroupEmailSent, Membership

Kind = GroupEmailSent.Kind


def _claim(membership: Membership, kind: str, *, about) -> bool:
    """Claim this email to this member about this change (core/send_once.py); False if it was already sent."""
    return claim_row(GroupEmailSent, membership=membership, kind=kind, about=about)


def _send(template: str, *, to: str, context: dict) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"groups/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"groups/email/{template}.txt", context)
    send_mail(subject, body, None, [to])


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _fetch(membership_id: int) -> Membership | None:
    return Membership.objects.select_related("group", "user").filter(pk=membership_id).first()


@shared_task
def email_leaders_about_request(membership_id: int) -> None:
    """Tell each of the group's leaders, separately, that someone asked to join (not their note: it may be personal)."""
    membership = _fetch(membership_id)
    if membership is None or membership.status != Membership.Status.PENDING:
        return
    with transaction.atomic():
        if not _claim(membership, Kind.REQUEST_TO_LEADERS, about=membership.requested_at):
            return
        leaders = (
            Membership.objects.active()
            .leaders()
            .filter(group_id=membership.group_id, user__is_active=True)
            .select_related("user")
        )
        members_url = _url("groups:members", membership.group.slug)
        for leader in leaders:
            _send(
                "request_to_leaders",
                to=leader.user.email,
                context={
                    "leader": leader.user,
                    "person": membership.user,
                    "group": membership.group,
                    "url": members_url,
                },
            )


@shared_task
def email_request_answered(membership_id: int) -> None:
    """Tell the person the answer to their request, whichever it was."""
    membership = _fetch(membership_id)
    if membership is None:
        return
    if membership.status == Membership.Status.ACTIVE:
        kind, template = Kind.REQUEST_APPROVED, "request_approved"
    elif membership.status == Membership.Status.DECLINED:
        kind, template = Kind.REQUEST_DECLINED, "request_declined"
    else:  # they withdrew meanwhile, or the answer changed: nothing to say
        return
    with transaction.atomic():
        if not _claim(membership, kind, about=membership.status_changed_at):
            return
        _send(
            template,
            to=membership.user.email,
            context={
                "person": membership.user,
                "group": membership.group,
                "message": membership.decline_message,
                "group_url": _url("groups:detail", membership.group.slug),
                "agree_url": _url("groups:agree", membership.group.slug),
                "directory_url": _url("groups:directory"),
            },
        )


@shared_task
def email_new_leader(membership_id: int) -> None:
    membership = _fetch(membership_id)
    if membership is None or not membership.is_leader or membership.role_changed_at is None:
        return
    with transaction.atomic():
        if not _claim(membership, Kind.MADE_LEADER, about=membership.role_changed_at):
            return
        _send(
            "made_leader",
            to=membership.user.email,
            context={
                "person": membership.user,
                "group": membership.group,
                "members_url": _url("groups:members", membership.group.slug),
            },
        )
