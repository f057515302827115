"""The join flow's step before the room (sessions.signals.before_room): this month's check-in, if it is due."""

from urllib.parse import urlencode

from django.dispatch import receiver
from django.urls import reverse

from sessions.signals import before_room
from wellbeing.checkin.services import check_in_due


@receiver(before_room, dispatch_uid="wellbeing.check_in")
def offer_check_in(sender, *, session, user, next_url: str, **kwargs) -> str | None:
    if not check_in_due(user, session):
        return None
    return f"{reverse('wellbeing:check_in', args=[session.pk])}?{urlencode({'next': next_url})}"
