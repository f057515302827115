"""Open items from a leaders' debrief become follow-ups (wellbeing sends debrief_added; care/receivers.py listens).

Each item is its own follow-up for the group's leaders: due the next day at the group's follow-up time,
claimed, closed and reminded like the others (care/tasks.py). Its words are a leader's, kept encrypted and
never put in the audit trail, an email or a task's arguments.
"""

from care.models import FollowUp, next_day_at
from core.audit import record


def follow_ups_from_debrief(debrief, *, open_items, actor) -> list[FollowUp]:
    """One follow-up per open item, in the debrief's transaction (the items were checked by wellbeing)."""
    session = debrief.session
    made = []
    for item in open_items:
        follow_up = FollowUp.objects.create(
            group_id=session.group_id,
            session=session,
            debrief=debrief,
            member_id=item.member_id,
            kind=FollowUp.Kind.ITEM,
            what=item.what,
            happened_at=debrief.created_at,
            due_at=next_day_at(debrief.created_at, session.group.follow_up_due_time),
        )
        record(
            "care.follow_up.created",
            actor=actor,
            subject=follow_up,
            data={
                "kind": FollowUp.Kind.ITEM,
                "session": session.pk,
                "group": session.group_id,
                "debrief": debrief.pk,
                "about_a_member": item.member_id is not None,
            },
        )
        made.append(follow_up)
    return made
