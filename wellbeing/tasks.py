"""The no-leader alert: an open session whose dashboard no leader has had open for a while.

Beat runs `check_for_leaderless_sessions` every minute. Each absence (from the moment the last leader's
dashboard closed, or the session opened with none) gets one NoLeaderAlert row, unique per session and
start of absence, so however often the check runs and however many workers run it, the leaders are told
once. The email says only that a session needs a leader on the dashboard: no group, topic or names.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from core.send_once import claim_mark
from groups.models import Membership
from sessions.models import GroupSession, RoomConnection, RoomParticipant
from wellbeing.models import NoLeaderAlert
from wellbeing.presence_watch import PresenceUnknown, counting_from

logger = logging.getLogger(__name__)

NO_LEADER_AFTER = timedelta(minutes=5)
RETRYABLE = (smtplib.SMTPException, ConnectionError, TimeoutError)


def leaderless_since(session: GroupSession) -> datetime | None:
    """When the session last had a leader's dashboard open (or opened without one); None if one is open now."""
    leader_connections = RoomConnection.objects.filter(participant__session=session, participant__is_leader=True)
    if leader_connections.live().exists():
        return None
    left = RoomParticipant.objects.filter(session=session, is_leader=True).aggregate(at=Max("left_at"))["at"]
    stale = leader_connections.aggregate(at=Max("seen_at"))["at"]  # a crashed process's socket stops counting
    return max(at for at in (session.opened_at or session.starts_at, left, stale) if at is not None)


@shared_task(name="wellbeing.check_for_leaderless_sessions")
def check_for_leaderless_sessions() -> int:
    """Record one alert per absence longer than NO_LEADER_AFTER and queue its email. Returns how many are new.

    Only minutes in which presence could be read count (wellbeing/presence_watch.py): nothing is sent while
    it cannot be, and an absence is counted from when it could be read again if that is later.
    """
    now = timezone.now()
    try:
        watched_from = counting_from(now)
    except PresenceUnknown:
        return 0
    new = 0
    for session in GroupSession.objects.filter(status=GroupSession.Status.OPEN).only("pk", "opened_at", "starts_at"):
        since = leaderless_since(session)
        if since is None or now - max(since, watched_from or since) < NO_LEADER_AFTER:
            continue
        try:
            with transaction.atomic():
                alert = NoLeaderAlert.objects.create(session=session, absent_since=since)
                send_no_leader_alert.delay_on_commit(alert.pk)
        except IntegrityError:
            continue  # this absence was already noticed
        new += 1
    return new


@shared_task(name="wellbeing.send_no_leader_alert", autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def send_no_leader_alert(alert_id: int) -> int:
    """Email the group's active leaders, once: the claim and the sends commit together. Returns how many went."""
    with transaction.atomic():
        if not claim_mark(NoLeaderAlert, alert_id, "sent_at"):
            return 0  # sent already (or by another worker just now)
        alert = NoLeaderAlert.objects.select_related("session").get(pk=alert_id)
        if alert.session.status != GroupSession.Status.OPEN:
            return 0  # ended meanwhile: nothing to do
        leaders = Membership.objects.active().leaders().filter(group_id=alert.session.group_id, user__is_active=True)
        context = {
            "session_id": alert.session_id,
            "minutes": int(NO_LEADER_AFTER.total_seconds() // 60),
            "site_url": settings.SITE_URL,
        }
        sent = 0
        for membership in leaders.select_related("user").order_by("user_id"):
            context["user"] = membership.user
            subject = " ".join(render_to_string("wellbeing/email/no_leader_subject.txt", context).split())
            body = render_to_string("wellbeing/email/no_leader.txt", context)
            EmailMessage(subject=subject, body=body, to=[membership.user.email]).send()
            sent += 1
    logger.info("wellbeing: no-leader alert %s sent to %s leaders", alert_id, sent)
    return sent
