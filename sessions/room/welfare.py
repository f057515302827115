"""The welfare prompts' beat task, beside the service it runs (sessions/room/presence.py: welfare_prompts).

Not in sessions/tasks.py: a tasks module never imports a service, and this one would close a circle
(services -> tasks -> presence -> services). Registered by GroupSessionsConfig.ready.
"""

from celery import shared_task

from core import live
from sessions.models import GroupSession
from sessions.room.presence import welfare_prompts


@shared_task(name="sessions.prompt_welfare")
def prompt_welfare() -> int:
    """Run by beat every half minute: in every open room, prompt the leaders about anyone stepped out for
    longer than the group's threshold, whether or not a leader's dashboard is open to ask (it shows the
    prompt when it next loads). Returns how many prompts were made."""
    made = 0
    for session in GroupSession.objects.filter(status=GroupSession.Status.OPEN).select_related("group"):
        deliveries = welfare_prompts(session)
        for delivery in deliveries:
            live.send(delivery.group, delivery.payload)
        made += len(deliveries)
    return made
