"""The room as the pages see it: the leaders' snapshot of the whole room, a member's own state, and the
payloads for one person on the roster and one alert in the inbox.

Never holds anything anyone wrote: alerts say what happened and when.
"""

from datetime import UTC

from django.utils import timezone

from groups.models import Membership
from sessions.camera_off_notices import camera_off_notices_for
from sessions.models import GroupSession
from sessions.room.models import RoomAlert, RoomParticipant
from sessions.room.protocol import SUMMARY, CheckIn, to_browser
from sessions.video import identity_for


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def participant_payload(participant: RoomParticipant, *, left_without_check_in: bool = False) -> dict:
    user = participant.user
    return {
        # Presence lives on the roster, not in the alert inbox: "left without a check-in" is said here.
        "left_without_check_in": left_without_check_in,
        "user_id": participant.user_id,
        "name": user.display_name,
        "pronouns": user.pronouns,
        "is_leader": participant.is_leader,
        "status": participant.status,
        "joined_at": _iso(participant.joined_at),
        "left_at": _iso(participant.left_at),
        "stepped_out_at": _iso(participant.stepped_out_at),
        "passing": participant.passing_since is not None,
        # The video call: the engine's opaque name for them (for the leaders' tiles), and the waiting room.
        "call_identity": identity_for(participant.session_id, participant.user_id),
        "admitted": participant.is_leader or participant.admitted_at is not None,
        "attention": attention(participant),
    }


def attention(participant: RoomParticipant) -> list:
    """Where someone stands on the leaders' roster, as a sort key: the one definition of that order (the page
    sorts by it, and static/js/dashboard.js does nothing but compare these keys).

    Whoever needs attention first is on top: people stepped out, longest first (so anyone out longer than the
    group's threshold leads, with no clock in the key), members in the room, leaders, those who have left,
    those removed; each group by name, then by id so that two people of one name keep their places.
    Elements compare as numbers or strings on both sides (the ISO times here are all in UTC).
    """
    status = participant.status
    if status == "stepped_out":
        return [0, participant.stepped_out_at.astimezone(UTC).isoformat(), participant.user_id]
    rank = {"present": 2 if participant.is_leader else 1, "left": 3}.get(status, 4)
    return [rank, participant.user.display_name.casefold(), participant.user_id]


def alert_payload(alert: RoomAlert) -> dict:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": alert.get_kind_display(),
        "user_id": alert.user_id,
        "name": alert.user.display_name,
        "created_at": _iso(alert.created_at),
        "check_in": alert.check_in,
        "check_in_label": alert.get_check_in_display() if alert.check_in else "",
        "had_note": alert.had_note,
        "matched_word": alert.matched_word,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by.display_name if alert.acknowledged_by else None,
        "lowered_at": _iso(alert.lowered_at),
        "lowered_by": alert.lowered_by.display_name if alert.lowered_by else None,
        "concern_recorded": alert.concern_recorded_at is not None,
        "needs_you": needs_you(alert),
    }


def member_state(participant: RoomParticipant, *, hand_raised: bool) -> dict:
    """What a member's own page needs to know about themselves (protocol.MEMBER_STATE)."""
    return {
        "status": participant.status,
        "hand_raised": hand_raised,
        "stepped_out": participant.stepped_out_at is not None,
        "passing": participant.passing_since is not None,
        "chat_enabled": participant.session.chat_enabled,
    }


def alerts_with_people():
    """Alerts with the people they name, as every alert payload needs them."""
    return RoomAlert.objects.select_related("user", "acknowledged_by", "lowered_by")


def hand_is_up(participant: RoomParticipant) -> bool:
    """The member's hand is up now (one query)."""
    return (
        RoomAlert.objects.raised_hands().filter(session_id=participant.session_id, user_id=participant.user_id).exists()
    )


def snapshot(session: GroupSession) -> dict:
    """The whole room for a leader's dashboard (on connect, reconnect, or polling while the socket is down).

    Never holds anything anyone wrote: alerts say what happened and when. Five queries.
    """
    # 1: everyone who has been in the room
    participants = list(
        RoomParticipant.objects.filter(session=session).select_related("user").order_by("user__display_name", "user_id")
    )
    seen = {p.user_id for p in participants}
    # 2: the group's active people who have not come in yet
    to_arrive = [
        {"user_id": m.user_id, "name": m.user.display_name, "is_leader": m.role == Membership.Role.LEADER}
        for m in Membership.objects.active()
        .filter(group_id=session.group_id)
        .select_related("user")
        .order_by("user__display_name", "user_id")
        if m.user_id not in seen
    ]
    # 3: the alert inbox, hands in the order they went up ("left" rows say who left without a check-in)
    alerts = list(alerts_with_people().filter(session=session).order_by("created_at", "id"))
    unchecked = {a.user_id for a in alerts if a.kind == RoomAlert.Kind.LEFT and a.lowered_at is None}
    alerts = [a for a in alerts if a.kind != RoomAlert.Kind.LEFT]
    # 4: camera-off notices (the reasons are for this session's leaders only)
    camera_off = [
        {"user_id": n.user_id, "name": n.user.display_name, "reason": n.reason, "standing": n.standing}
        for n in camera_off_notices_for(session)
    ]
    return to_browser(
        "snapshot",
        session={
            "id": session.pk,
            "topic": session.topic,
            "status": session.status,
            "chat_enabled": session.chat_enabled,
            "welfare_threshold_minutes": session.group.welfare_threshold_minutes,
        },
        server_time=timezone.now().isoformat(),
        participants=[
            participant_payload(p, left_without_check_in=p.status == "left" and p.user_id in unchecked)
            for p in participants
        ],
        summary=urgent_summary(alerts),
        to_arrive=to_arrive,
        alerts=[alert_payload(a) for a in alerts],
        camera_off=camera_off,
    )


# What needs a leader now comes first on the dashboard, above routine notices, under a one-line summary.
URGENT_KINDS = (RoomAlert.Kind.TRIGGERED, RoomAlert.Kind.WELFARE, RoomAlert.Kind.MESSAGE)


def is_urgent(alert: RoomAlert) -> bool:
    """Not yet acknowledged, and about someone's wellbeing: triggering, welfare, a private message, "contact me"."""
    if alert.acknowledged_at or alert.lowered_at or alert.concern_recorded_at:
        return False
    return alert.kind in URGENT_KINDS or (alert.kind == RoomAlert.Kind.CHECK_IN and alert.check_in == CheckIn.CONTACT)


def needs_you(alert: RoomAlert) -> str | None:
    """What the alert counts as in "Needs you now" (a hand still up, or an urgent alert: `SUMMARY`'s keys), or
    None. In every alert payload: the dashboard's order (urgent first), its marks ("Hand up", "Needs a look")
    and its summary all read this, on the server and in the script alike."""
    if alert.kind == RoomAlert.Kind.HAND:
        return "hand" if alert.lowered_at is None else None
    if not is_urgent(alert):
        return None
    return "contact" if alert.kind == RoomAlert.Kind.CHECK_IN else str(alert.kind)


def urgent_summary(alerts: list[RoomAlert]) -> str:
    """One short line of what needs the leaders now, e.g. "Needs you now: 2 hands up, 1 found something triggering"."""
    counts: dict[str, int] = {}
    for alert in alerts:
        if key := needs_you(alert):
            counts[key] = counts.get(key, 0) + 1
    words = [(key, one, many) for key, one, many in SUMMARY["words"] if key in counts]
    parts = [f"{counts[key]} {one if counts[key] == 1 else many}" for key, one, many in words]
    return SUMMARY["lead"] + ", ".join(parts) + "." if parts else SUMMARY["none"]


def welcome(session: GroupSession, user, *, participant: RoomParticipant | None = None) -> dict:
    """What a member's room page needs on (re)connecting: their own state. Two queries, or one when the caller has
    just written their place in the room (presence.arrive) and passes it."""
    if participant is None:
        participant = RoomParticipant.objects.select_related("user").get(session=session, user=user)
    participant.session = session
    state = member_state(participant, hand_raised=hand_is_up(participant))
    return to_browser("welcome", session_id=session.pk, **state)
