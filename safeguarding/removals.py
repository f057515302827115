"""Removals: from one live session, for a while, or for good; reinstating; temporary removals ending on time.

A removal from one session is the one record that the person is barred from it: the room, the join page and the
video call ask `Removal.objects.active_for`; the room takes them out of it on `session_removal_made`. Like the
other safeguarding services: keyword-only arguments, an explicit actor, one transaction with its audit entry,
emails after commit through tasks that take ids. Their open room sockets close after commit.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record
from groups.models import Membership
from groups.roles import leads_group
from members.roles import is_trustee
from safeguarding import tasks
from safeguarding.models import Removal
from safeguarding.signals import session_removal_made
from safeguarding.text import visible_text


def _close_live_sockets_on_commit(user_id: int) -> None:
    """Close the person's open room sockets once the removal is committed (the room re-checks the database)."""

    def close() -> None:
        from core import live

        live.close_user_sockets(user_id, reason="removed")

    transaction.on_commit(close)


def _ensure_can_decide(membership: Membership, actor) -> None:
    if is_trustee(actor):
        return
    if not leads_group(actor, membership.group_id):
        raise PermissionDenied("Only the group's leaders and the safeguarding leads can do this.")
    if membership.user_id == actor.pk:
        raise PermissionDenied("You can't do this for yourself. Please talk with a co-leader or a trustee.")
    if membership.role == Membership.Role.LEADER:
        raise PermissionDenied("Only the safeguarding leads can remove or reinstate a leader.")


def validate_removal(
    membership: Membership,
    *,
    kind,
    reasons,
    until=None,
    one_to_one_held=False,
    one_to_one_at=None,
    session=None,
    now=None,
) -> None:
    """Raise ValidationError (by field) if this removal cannot be made; forms call it to show errors early."""
    now = now or timezone.now()
    errors = {}
    if kind not in Removal.Kind.values:
        errors["kind"] = "Please choose how long the removal is for."
    if not reasons:
        errors["reasons"] = "Please choose at least one reason."
    elif set(reasons) - set(Removal.Reason.values):
        errors["reasons"] = "Please choose reasons from the list."
    if kind == Removal.Kind.TEMPORARY:
        if until is None:
            errors["until"] = "Please choose when the removal ends."
        elif until <= now:
            errors["until"] = "Please choose a time in the future."
    elif until is not None:
        errors["until"] = "Only a temporary removal has an end date."
    if kind == Removal.Kind.SESSION:
        if session is None:
            errors["session"] = "Please say which session."
        elif session.group_id != membership.group_id:
            errors["session"] = "That session belongs to another group."
    if one_to_one_at is not None:
        if not one_to_one_held:
            errors["one_to_one_at"] = "Only give a time if a 1-1 conversation took place."
        elif one_to_one_at > now:
            errors["one_to_one_at"] = "The 1-1 conversation can't be in the future."
    if kind != Removal.Kind.SESSION and membership.status not in (
        Membership.Status.ACTIVE,
        Membership.Status.SUSPENDED,
        Membership.Status.REMOVED,
    ):
        errors["__all__"] = "This person is not a member of the group at the moment."
    if errors:
        raise ValidationError(errors)


def remove_member(
    membership: Membership,
    *,
    actor,
    kind: str,
    reasons: list[str],
    until: datetime | None = None,
    one_to_one_held: bool = False,
    one_to_one_at: datetime | None = None,
    note: str = "",
    session=None,
) -> Removal:
    """Remove someone from one live session, for a while, or for good. Takes effect at once.

    A temporary or permanent removal sets the membership to "removed" (joining is refused) and replaces
    any removal from the group already in force. Their open room sockets close after commit, and they
    are emailed a kind explanation with how to ask for a review.
    """
    _ensure_can_decide(membership, actor)
    now = timezone.now()
    reasons = list(dict.fromkeys(reasons or []))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("group").get(pk=membership.pk)
        validate_removal(
            membership,
            kind=kind,
            reasons=reasons,
            until=until,
            one_to_one_held=one_to_one_held,
            one_to_one_at=one_to_one_at,
            session=session,
            now=now,
        )
        if kind == Removal.Kind.SESSION:
            already = Removal.objects.active_for(session, membership.user_id).first()
            if already is not None:
                return already  # another leader got there first: still one record, one audit entry
        superseded = []
        if kind != Removal.Kind.SESSION:
            in_force = (
                Removal.objects.select_for_update()
                .in_force()
                .filter(membership=membership)
                .exclude(kind=Removal.Kind.SESSION)
            )
            for old in in_force:
                old.lifted_at, old.lifted_by, old.lift_note = now, actor, "Replaced by a later removal."
                old.lift_notified_at = now  # nothing to tell: the new removal's email explains
                old.save(update_fields=["lifted_at", "lifted_by", "lift_note", "lift_notified_at"])
                superseded.append(old.pk)
        removal = Removal.objects.create(
            membership=membership,
            kind=kind,
            reasons=reasons,
            until=until,
            session=session,
            one_to_one_held=one_to_one_held,
            one_to_one_at=one_to_one_at if one_to_one_held else None,
            note=visible_text(note),
            decided_by=actor,
            created_at=now,
        )
        if kind == Removal.Kind.SESSION:
            _bar_from_session(removal, actor=actor, now=now)
        elif membership.status != Membership.Status.REMOVED:
            membership.set_status(Membership.Status.REMOVED)
        record(
            "safeguarding.removal.created",
            actor=actor,
            subject=removal,
            data={
                "membership_id": membership.pk,
                "group_id": membership.group_id,
                "kind": kind,
                "reasons": reasons,
                "until": until,
                "session_id": session.pk if session else None,
                "one_to_one_held": one_to_one_held,
                "one_to_one_at": removal.one_to_one_at,
                "superseded": superseded,
            },
        )
        _close_live_sockets_on_commit(membership.user_id)
        tasks.email_removal.delay_on_commit(removal.pk)
    return removal


def _lift(removal: Removal, *, actor, note: str, now: datetime) -> bool:
    """Lift a locked removal; reactivate the membership when no other removal from the group is in force."""
    removal.lifted_at, removal.lifted_by, removal.lift_note = now, actor, note
    removal.save(update_fields=["lifted_at", "lifted_by", "lift_note"])
    membership = Membership.objects.select_for_update().get(pk=removal.membership_id)
    reactivated = False
    # A removal from one session needs nothing more: the Removal is the one record that barred them from it.
    if removal.kind != Removal.Kind.SESSION and membership.status == Membership.Status.REMOVED:
        still_removed = (
            Removal.objects.in_force().filter(membership=membership).exclude(kind=Removal.Kind.SESSION).exists()
        )
        if not still_removed:
            membership.set_status(Membership.Status.ACTIVE)
            reactivated = True
    return reactivated


def _bar_from_session(removal: Removal, *, actor, now: datetime) -> None:
    """The room takes them out of it (sessions/receivers.py); the Removal stays the one record that they are barred."""
    session_removal_made.send(sender=Removal, removal=removal, actor=actor, now=now)


def reinstate_member(removal: Removal, *, actor, note: str = "") -> None:
    """A leader or trustee lifts a removal early: the person can take part again (and is told)."""
    _ensure_can_decide(removal.membership, actor)
    now = timezone.now()
    with transaction.atomic():
        locked = Removal.objects.select_for_update().select_related("membership").get(pk=removal.pk)
        if locked.lifted_at is not None:
            raise ValidationError("This removal has already ended.")
        reactivated = _lift(locked, actor=actor, note=visible_text(note), now=now)
        record(
            "safeguarding.removal.reinstated",
            actor=actor,
            subject=locked,
            data={"membership_id": locked.membership_id, "kind": locked.kind, "membership_reactivated": reactivated},
        )
        tasks.email_reinstated.delay_on_commit(locked.pk)
    removal.lifted_at, removal.lifted_by = now, actor


def lift_expired_removals() -> int:
    """Lift every temporary removal whose end has passed (the beat task calls this); returns how many."""
    lifted = 0
    for pk in Removal.objects.due_to_lift().values_list("pk", flat=True):
        with transaction.atomic():
            removal = Removal.objects.select_for_update(skip_locked=True).due_to_lift().filter(pk=pk).first()
            if removal is None:  # another worker got there first, or it was reinstated meanwhile
                continue
            reactivated = _lift(removal, actor=None, note="", now=timezone.now())
            record(
                "safeguarding.removal.lifted",
                actor=None,
                subject=removal,
                data={
                    "membership_id": removal.membership_id,
                    "until": removal.until,
                    "membership_reactivated": reactivated,
                },
            )
            tasks.email_reinstated.delay_on_commit(removal.pk)
        lifted += 1
    return lifted


@shared_task(name="safeguarding.lift_expired_removals")
def lift_expired_removals_task() -> int:
    """Beat: temporary removals end on time."""
    return lift_expired_removals()


def is_barred_from_session(user_id: int, session_id: int) -> bool:
    """True while a removal from this one session is in force (the room and join page refuse them)."""
    return Removal.objects.active_for(session_id, user_id).exists()
