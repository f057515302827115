"""Invitations to a group: made by its leaders (or, to lead, by a trustee), checked, accepted once, withdrawn.

Like groups/services.py: keyword-only arguments, an explicit actor, one transaction with its audit entry, emails
after commit. Refusals raise InvitationRefused with a code and a kind message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from charity.models import current_charity
from core.audit import record
from groups.models import Invitation, Membership, SupportGroup
from groups.services import NOT_ALLOWED, GroupActionRefused, ensure_can_manage
from members.roles import is_trustee

Status, Role = Membership.Status, Membership.Role


class InvitationRefused(GroupActionRefused):
    """An invitation that cannot be used. `code` says why: unknown, used, withdrawn, expired, other_group,
    already_member or not_allowed."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


INVITATION_REFUSALS = {
    "unknown": (
        "We don't recognise this invitation link. Please check you copied all of it, "
        "or ask the group's leaders for a new one."
    ),
    "used": (
        "This invitation has already been used. Each invitation link works once: "
        "please ask the group's leaders for a new one."
    ),
    "withdrawn": (
        "This invitation was withdrawn by the group's leaders. If you think this is a mistake, "
        "please ask them for a new one."
    ),
    "expired": "This invitation has expired. Please ask the group's leaders for a new one.",
    "other_group": "This invitation is for another group. Please check the link you were sent.",
    "already_member": "You're already a member of this group, so you don't need this invitation.",
    "not_allowed": NOT_ALLOWED,
}


def _refuse_invitation(code: str) -> InvitationRefused:
    return InvitationRefused(INVITATION_REFUSALS[code], code=code)


def create_invitation(
    group: SupportGroup, *, actor, days: int = 14, note: str = "", role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """A single-use invitation link; returns it with the raw token, to show the leader once.

    An invitation to lead (role=leader) is a trustee's to make: it is how a new group gets its first leader.
    """
    with transaction.atomic():
        ensure_can_manage(group, actor)
        if role == Role.LEADER and not is_trustee(actor):
            raise PermissionDenied("Only trustees can invite someone to lead a group.")
        invitation, token = Invitation.create(group=group, created_by=actor, days=days, note=note, role=role)
        record(
            "groups.invitation.created",
            actor=actor,
            subject=invitation,
            data={"group": group.pk, "expires_at": invitation.expires_at, "role": role},
        )
    return invitation, token


def invite_leader(group: SupportGroup, *, actor, email: str) -> tuple[Invitation, str, str | None]:
    """A trustee invites someone to lead the group, by email: the invitation, its link, and why the email
    failed (None when it went).

    Sent at once rather than by a task: the trustee (or setup_charity's operator) is there to read a failure
    and hand the link over another way; the invitation stands either way.
    """
    invitation, token = create_invitation(group, actor=actor, role=Role.LEADER, note="Invitation to lead")
    url = settings.SITE_URL + reverse("groups:invitation", args=[token])
    charity = current_charity()
    charity_name = charity.name if charity else "Peer Support"
    reply_to = [charity.contact_email] if charity else []
    body = render_to_string(
        "charity/email/leader_invitation.txt",
        {
            "charity_name": charity_name,
            "contact_email": charity.contact_email if charity else settings.DEFAULT_FROM_EMAIL,
            "trustee_name": actor.display_name,
            "group_name": group.name,
            "expires_at": invitation.expires_at,
            "url": url,
        },
    )
    message = EmailMessage(f"You are invited to lead {group.name}", body, to=[email], reply_to=reply_to)
    try:
        message.send()
    except OSError as exc:  # SMTP down or refused
        return invitation, url, f"{type(exc).__name__}: {exc}"
    return invitation, url, None


def check_invitation(token: str, *, group_slug: str | None = None) -> Invitation:
    """The usable invitation for token, or InvitationRefused saying why not.

    group_slug is the group the person expects to join (the one the invitation page showed them).
    """
    invitation = Invitation.find(token)
    if invitation is None or invitation.group.is_archived:
        raise _refuse_invitation("unknown")
    if invitation.state != "open":
        raise _refuse_invitation(invitation.state)
    if group_slug is not None and invitation.group.slug != group_slug:
        raise _refuse_invitation("other_group")
    return invitation


def accept_invitation(token: str, *, user, group_slug: str | None = None) -> Membership:
    """Use an invitation: the person becomes an active member at once (the agreement comes next)."""
    invitation = check_invitation(token, group_slug=group_slug)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(group=invitation.group, user=user).first()
        if membership is not None and membership.status == Status.ACTIVE:
            raise _refuse_invitation("already_member")
        if membership is not None and membership.status in (Status.SUSPENDED, Status.REMOVED):
            raise _refuse_invitation("not_allowed")
        now = timezone.now()
        # Claim the invitation with a conditional update: of two people using one link, one wins.
        if not Invitation.objects.usable().filter(pk=invitation.pk).update(used_at=now, used_by=user):
            invitation.refresh_from_db()
            raise _refuse_invitation(invitation.state if invitation.state != "open" else "used")
        if membership is None:
            membership = Membership.objects.create(
                group=invitation.group,
                user=user,
                role=invitation.role,
                status=Status.ACTIVE,
                requested_at=now,
                joined_at=now,
            )
        else:  # they had asked to join, left, or been declined: the invitation settles it
            if membership.role != invitation.role:
                membership.set_role(invitation.role)
            membership.set_status(Status.ACTIVE)
        record(
            "groups.invitation.accepted",
            actor=user,
            subject=membership,
            data={"group": invitation.group_id, "invitation": invitation.pk},
        )
    return membership


def revoke_invitation(invitation: Invitation, *, actor) -> Invitation:
    with transaction.atomic():
        ensure_can_manage(invitation.group, actor)
        now = timezone.now()
        revoked = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        invitation.refresh_from_db()
        if not revoked:
            if invitation.state == "used":
                raise GroupActionRefused("This invitation has already been used, so it can't be withdrawn.")
            raise GroupActionRefused("This invitation was already withdrawn.")
        record("groups.invitation.revoked", actor=actor, subject=invitation, data={"group": invitation.group_id})
    return invitation
