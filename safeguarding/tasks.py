"""Safeguarding emails. Tasks take primary keys only, re-fetch, and are idempotent.

No email ever holds protected text: a concern's email says one exists (with a link), never what it says;
an urgent reveal's email names who looked and where, never the details; a removal's email explains
kindly and says how to ask for a review, never the leaders' notes. Each email is claimed with a
conditional update in the transaction that sends it, so a task that runs twice does not send twice, and a
task cut short sends it when it runs again.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from charity.models import safeguarding_contact
from core.send_once import claim_mark


def _send(template: str, *, to: str, context: dict) -> None:
    context = {
        "site_url": settings.SITE_URL,
        "safeguarding_contact": safeguarding_contact(),
        **context,
    }
    subject = render_to_string(f"safeguarding/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"safeguarding/email/{template}.txt", context)
    send_mail(subject, body, None, [to])


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


@shared_task
def email_concern_raised(concern_id: int) -> None:
    """Tell the leaders (concerns raised with them) and the trustees (cases for them) that a concern exists."""
    from groups.models import Membership
    from safeguarding.models import Concern
    from safeguarding.permissions import trustees

    concern = Concern.objects.select_related("group").filter(pk=concern_id).first()
    if concern is None:
        return
    context = {"group": concern.group, "risk_level": concern.get_risk_level_display()}
    with transaction.atomic():
        if not concern.to_trustees and claim_mark(Concern, concern.pk, "leaders_notified_at"):
            leaders = (
                Membership.objects.active()
                .leaders()
                .filter(group_id=concern.group_id, user__is_active=True)
                .exclude(user_id=concern.raised_by_id)
                .select_related("user")
            )
            url = _url("safeguarding:concern_detail", concern.pk)
            for leader in leaders:
                _send(
                    "concern_to_leaders", to=leader.user.email, context={**context, "person": leader.user, "url": url}
                )
    with transaction.atomic():
        if concern.is_with_trustees and claim_mark(Concern, concern.pk, "trustees_notified_at"):
            url = _url("admin:safeguarding_concern_change", concern.pk)
            for trustee in trustees().exclude(pk=concern.raised_by_id):
                _send("concern_to_trustees", to=trustee.email, context={**context, "person": trustee, "url": url})


@shared_task
def email_trustees_about_urgent_reveal(access_id: int) -> None:
    """A leader made an urgent welfare reveal: every trustee is told at once (never the details)."""
    from safeguarding.models import ContactAccess
    from safeguarding.permissions import trustees

    access = ContactAccess.objects.select_related("viewed_by", "group").filter(pk=access_id).first()
    if access is None:
        return
    with transaction.atomic():
        if not claim_mark(ContactAccess, access.pk, "trustees_notified_at"):
            return
        url = _url("admin:safeguarding_contactaccess_change", access.pk)
        for trustee in trustees():
            _send(
                "urgent_reveal",
                to=trustee.email,
                context={"person": trustee, "leader": access.viewed_by, "group": access.group, "url": url},
            )


@shared_task
def email_removal(removal_id: int) -> None:
    """A kind explanation to the person removed, and how to ask for a review."""
    from safeguarding.models import Removal

    removal = Removal.objects.select_related("membership__user", "membership__group", "session").filter(pk=removal_id)
    removal = removal.first()
    if removal is None or not removal.membership.user.is_active:
        return
    with transaction.atomic():
        if not claim_mark(Removal, removal.pk, "member_notified_at"):
            return
        _send(
            "removed",
            to=removal.membership.user.email,
            context={"removal": removal, "person": removal.membership.user, "group": removal.membership.group},
        )


@shared_task
def email_reinstated(removal_id: int) -> None:
    """Tell the person they can take part again."""
    from safeguarding.models import Removal

    removal = Removal.objects.select_related("membership__user", "membership__group").filter(pk=removal_id).first()
    if removal is None or removal.lifted_at is None or not removal.membership.user.is_active:
        return
    with transaction.atomic():
        if not claim_mark(Removal, removal.pk, "lift_notified_at"):
            return
        _send(
            "reinstated",
            to=removal.membership.user.email,
            context={
                "removal": removal,
                "person": removal.membership.user,
                "group": removal.membership.group,
                "url": _url("groups:detail", removal.membership.group.slug),
            },
        )


# --- leaders' suitability (safeguarding/suitability.py): renewal reminders ---------------------------------


@shared_task(name="safeguarding.remind_suitability_renewals")
def remind_suitability_renewals() -> int:
    """Beat, daily: tell the trustees once about each entry that needs renewing within 30 days."""
    from safeguarding.permissions import trustees
    from safeguarding.suitability import SuitabilityCheck

    sent = 0
    for check in SuitabilityCheck.objects.renewal_due().filter(renewal_reminder_sent_at__isnull=True):
        with transaction.atomic():
            if not claim_mark(SuitabilityCheck, check.pk, "renewal_reminder_sent_at"):
                continue
            context = {
                "kind": check.get_kind_display(),
                "renew_on": check.renew_on,
                "url": _url("admin:safeguarding_suitabilitycheck_change", check.pk),
            }
            for trustee in trustees():
                _send("suitability_renewal", to=trustee.email, context={**context, "person": trustee})
        sent += 1
    return sent
