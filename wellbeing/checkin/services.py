"""The check-in's rules: when a member is asked, what their answer or skip records, who may switch it on or off.

Keyword-only, an explicit actor, one transaction each with its audit entry; the audit never holds a score.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.audit import record
from wellbeing.checkin.models import CheckInAnswer, CheckInOptOut, GroupCheckIn, due_query


def month_of(session) -> date:
    """The calendar month (its first day, in the charity's time zone) a session's check-in belongs to."""
    return timezone.localdate(session.starts_at).replace(day=1)


def check_in_due(user, session) -> bool:
    """True when the member should be offered this month's check-in for the session's group (one query)."""
    return due_query(user, session.group_id, month_of(session)).exists()


def set_group_check_in(group, *, actor, asks: bool) -> bool:
    """A leader (or a trustee in the admin) chooses whether the group asks. Returns whether anything changed."""
    with transaction.atomic():
        setting, _ = GroupCheckIn.objects.select_for_update().get_or_create(group=group)
        if setting.asks == asks:
            return False
        setting.asks, setting.changed_by, setting.changed_at = asks, actor, timezone.now()
        setting.save(update_fields=["asks", "changed_by", "changed_at"])
        record("wellbeing.check_in.group_changed", actor=actor, subject=group, data={"group": group.pk, "asks": asks})
    return True


def answer_check_in(*, user, session, scores: dict[str, int | None]) -> CheckInAnswer:
    """Keep the member's answers for this month (replacing a skip or an earlier answer in another tab)."""
    with transaction.atomic():
        answer, _ = CheckInAnswer.objects.select_for_update().get_or_create(
            user=user, group_id=session.group_id, month=month_of(session), defaults={"session": session}
        )
        answer.set_scores(scores)
        answer.skipped, answer.session, answer.created_at = False, session, timezone.now()
        answer.save(update_fields=["answers", "skipped", "session", "created_at"])
        record(
            "wellbeing.check_in.answered",
            actor=user,
            subject=answer,
            data={"group": session.group_id, "month": answer.month.isoformat()},
        )
    return answer


def skip_check_in(*, user, session) -> CheckInAnswer:
    """Not this month: recorded so it is not asked again; answers already given stay."""
    with transaction.atomic():
        answer, made = CheckInAnswer.objects.get_or_create(
            user=user,
            group_id=session.group_id,
            month=month_of(session),
            defaults={"session": session, "skipped": True},
        )
        if made:
            record(
                "wellbeing.check_in.skipped",
                actor=user,
                subject=answer,
                data={"group": session.group_id, "month": answer.month.isoformat()},
            )
    return answer


def wants_check_in(user) -> bool:
    return not CheckInOptOut.objects.filter(user=user).exists()


def set_wants_check_in(user, *, wants: bool) -> bool:
    """The member's own switch, for every group. Returns whether anything changed."""
    with transaction.atomic():
        if wants:
            changed = CheckInOptOut.objects.filter(user=user).delete()[0] > 0
        else:
            changed = CheckInOptOut.objects.get_or_create(user=user)[1]
        if changed:
            action = "wellbeing.check_in.switched_on" if wants else "wellbeing.check_in.switched_off"
            record(action, actor=user, subject=user, data={"user_id": user.pk})
    return changed


def answers_of(user):
    """The member's own answered check-ins, oldest first, with their group."""
    return CheckInAnswer.objects.answered().filter(user=user).select_related("group").order_by("month", "id")
