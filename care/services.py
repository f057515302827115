"""Follow-ups: made when a session ends, claimed by one leader, closed with an outcome. Every change is audited.

Keyword-only arguments, an explicit actor, one transaction each, the audit entry inside it. Emails go out
from Celery tasks (care/tasks.py) with primary keys only, and never hold anything a member wrote.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from care.models import FollowUp, next_day_at
from core.audit import record
from groups.roles import leads_group
from sessions.models import GroupSession, RoomAlert, RoomParticipant

# Which room alerts still need a leader once the session is over, and as what kind of follow-up.
UNANSWERED_ALERTS = {
    RoomAlert.Kind.TRIGGERED: FollowUp.Kind.TRIGGERED,
    RoomAlert.Kind.MESSAGE: FollowUp.Kind.MESSAGE,
    RoomAlert.Kind.WELFARE: FollowUp.Kind.WELFARE,
}


def _make(session: GroupSession, *, member_id: int, kind: str, happened_at, actor) -> FollowUp | None:
    """One follow-up for the session's leaders, once per member and kind (None if it already exists)."""
    follow_up, created = FollowUp.objects.get_or_create(
        session=session,
        member_id=member_id,
        kind=kind,
        defaults={
            "group_id": session.group_id,
            "happened_at": happened_at,
            "due_at": next_day_at(session.ended_at or timezone.now(), session.group.follow_up_due_time),
        },
    )
    if not created:
        return None
    record(
        "care.follow_up.created",
        actor=actor,
        subject=follow_up,
        data={"kind": kind, "session": session.pk, "group": session.group_id},
    )
    return follow_up


@transaction.atomic
def follow_ups_for_ended_session(session: GroupSession, *, actor) -> list[FollowUp]:
    """Everything in the session that asks a leader to act later becomes a follow-up for the group's leaders.

    Run when a leader ends the session (sessions.signals.session_ended), in its transaction. Only what
    happened is used, never what anyone wrote.
    """
    found: dict[tuple[int, str], object] = {}
    # Only members raise these alerts (the room refuses them from leaders).
    for alert in RoomAlert.objects.filter(session=session).order_by("created_at", "id"):
        if alert.kind == RoomAlert.Kind.CHECK_IN and alert.check_in == RoomAlert.CheckIn.CONTACT:
            found.setdefault((alert.user_id, FollowUp.Kind.CONTACT), alert.created_at)
        elif alert.kind == RoomAlert.Kind.LEFT and alert.lowered_at is None:  # lowered: they came back
            found.setdefault((alert.user_id, FollowUp.Kind.LEFT), alert.created_at)
        elif alert.kind in UNANSWERED_ALERTS and alert.acknowledged_at is None and alert.concern_recorded_at is None:
            found.setdefault((alert.user_id, UNANSWERED_ALERTS[alert.kind]), alert.created_at)
    stepped_out = RoomParticipant.objects.filter(session=session, stepped_out_at_end=True, is_leader=False)
    for participant in stepped_out:
        found.setdefault(
            (participant.user_id, FollowUp.Kind.STEPPED_OUT), participant.stepped_out_at or session.ended_at
        )
    made = [
        _make(session, member_id=member_id, kind=kind, happened_at=at, actor=actor)
        for (member_id, kind), at in found.items()
    ]
    return [follow_up for follow_up in made if follow_up]


@transaction.atomic
def follow_up_for_late_check_in(alert: RoomAlert) -> FollowUp | None:
    """A member asked to be contacted in the check-in they gave after the session ended."""
    if alert.check_in != RoomAlert.CheckIn.CONTACT:
        return None
    return _make(
        alert.session,
        member_id=alert.user_id,
        kind=FollowUp.Kind.CONTACT,
        happened_at=alert.created_at,
        actor=alert.user,
    )


def _locked(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update(of=("self",)).select_related("owner").get(pk=follow_up.pk)


@transaction.atomic
def claim_follow_up(follow_up: FollowUp, *, actor) -> FollowUp:
    """A leader of the group takes the follow-up on. If another leader got there first, theirs stands."""
    if not leads_group(actor, follow_up.group_id):
        raise PermissionDenied("Only the group's leaders can take on its follow-ups.")
    locked = _locked(follow_up)
    if not locked.is_open:
        raise ValidationError("This follow-up is already closed.")
    if locked.owner_id == actor.pk:
        return locked
    if locked.owner_id is not None:
        raise ValidationError(f"{locked.owner.display_name} has already taken this on.")
    locked.owner = actor
    locked.claimed_at = timezone.now()
    locked.save(update_fields=["owner", "claimed_at"])
    record("care.follow_up.claimed", actor=actor, subject=locked, data={"group": locked.group_id})
    return locked


@transaction.atomic
def close_follow_up(follow_up: FollowUp, *, actor, outcome: str) -> FollowUp:
    """Close with an outcome (never any words). Closing one nobody had claimed makes the closer its owner."""
    if not leads_group(actor, follow_up.group_id):
        raise PermissionDenied("Only the group's leaders can close its follow-ups.")
    locked = _locked(follow_up)
    if outcome not in dict(locked.outcome_choices):
        raise ValidationError({"outcome": "Please choose how it ended."})
    if not locked.is_open:
        raise ValidationError("This follow-up is already closed.")
    now = timezone.now()
    fields = ["closed_at", "closed_by", "outcome"]
    if locked.owner_id is None:
        locked.owner, locked.claimed_at = actor, now
        fields += ["owner", "claimed_at"]
    locked.closed_at, locked.closed_by, locked.outcome = now, actor, outcome
    locked.save(update_fields=fields)
    record("care.follow_up.closed", actor=actor, subject=locked, data={"outcome": outcome, "group": locked.group_id})
    return locked
