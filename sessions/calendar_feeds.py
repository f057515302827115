"""The member's private calendar address (sessions/ics.py serves it): made, replaced and revoked here."""

import secrets

from django.db import transaction
from django.utils import timezone

from sessions.models import CalendarFeed, hash_token


@transaction.atomic
def new_calendar_feed(user) -> str:
    """Make (or replace) the member's calendar address; returns the raw token, shown once. The old one stops."""
    raw = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_token(raw), "created_at": timezone.now(), "last_used_at": None}
    )
    return raw


def revoke_calendar_feed(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
