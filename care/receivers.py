"""care/ reacts to the apps below it through their signals (sessions/signals.py, wellbeing/signals.py): the lower
apps never import this one."""

from django.dispatch import receiver

from sessions.signals import checked_in_after_end, session_ended
from wellbeing.signals import debrief_added


@receiver(session_ended, dispatch_uid="care.follow_ups_when_a_session_ends")
def make_follow_ups(sender, *, session, actor, **kwargs):
    from care.services import follow_ups_for_ended_session

    follow_ups_for_ended_session(session, actor=actor)


@receiver(checked_in_after_end, dispatch_uid="care.follow_up_for_a_late_check_in")
def follow_up_late_check_in(sender, *, alert, **kwargs):
    from care.services import follow_up_for_late_check_in

    follow_up_for_late_check_in(alert)


@receiver(debrief_added, dispatch_uid="care.follow_ups_from_a_debriefs_open_items")
def follow_ups_from_open_items(sender, *, debrief, open_items, actor, **kwargs):
    from care.open_items import follow_ups_from_debrief

    return follow_ups_from_debrief(debrief, open_items=open_items, actor=actor)
