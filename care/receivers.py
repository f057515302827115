"""care/ reacts to the sessions app through its signals (sessions/signals.py): the lower app never imports this one."""

from django.dispatch import receiver

from sessions.signals import checked_in_after_end, session_ended


@receiver(session_ended, dispatch_uid="care.follow_ups_when_a_session_ends")
def make_follow_ups(sender, *, session, actor, **kwargs):
    from care.services import follow_ups_for_ended_session

    follow_ups_for_ended_session(session, actor=actor)


@receiver(checked_in_after_end, dispatch_uid="care.follow_up_for_a_late_check_in")
def follow_up_late_check_in(sender, *, alert, **kwargs):
    from care.services import follow_up_for_late_check_in

    follow_up_for_late_check_in(alert)
