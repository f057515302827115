"""The video call's rules: who gets a credential and when, the waiting room, and moderation carried out on the
engine's server (sessions/video/ speaks to the engine; nothing here knows its protocol).

- A credential is minted at click time, after every rule of the room and the join page, and for members of a
  group with a waiting room only once a leader has let them in. It is handed to the page's script, never put
  in a page, a URL, a log or the database.
- Removal (from the dashboard, or a safeguarding removal) takes the person out of the call as soon as it
  commits; when the engine cannot be reached the leaders are told and a Celery task keeps trying. The removal
  itself never waits for the engine: our room refuses them, and no new credential is ever minted for them.
- Ending the session ends the call for everyone; a leader can mute someone's microphone.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils import timezone

from core import live
from core.outbox import BROKER_ERRORS
from safeguarding.models import Removal
from sessions import attendance, camera_off_notices
from sessions.models import GroupSession
from sessions.room.admission import RoomRefused, Seat, current_seat, get_room_for_user
from sessions.room.leader_actions import participant_in_session
from sessions.room.models import RoomParticipant
from sessions.room.outcome import Delivery, Outcome, participant_event
from sessions.room.protocol import done, error, to_browser
from sessions.video import Caller, NotEmbedded, VideoUnreachable, identity_for, provider

logger = logging.getLogger(__name__)

WAITING = "A leader will let you into the call shortly. Everything else on this page works meanwhile."
NOT_EMBEDDED = "This group's call is on another site: please use the session page's join button."
RETRY_DELAYS = (5, 15, 30, 60, 120, 300)


# --- credentials ----------------------------------------------------------------------------------


def credential_for(user, session_id: int) -> dict:
    """Every check of the room and the join page, then one short-lived credential. Raises RoomRefused."""
    session, membership = get_room_for_user(user, session_id)  # 404 / PermissionDenied / RoomNotOpen
    refusal = attendance.join_refusal(session, membership)
    if refusal:
        raise RoomRefused("forbidden", refusal)
    seat = current_seat(session_id, user)  # they came into the room, are still in it, the group runs
    participant = seat.participant
    if participant.left_at is not None:
        raise RoomRefused("not_in_room", "Please open the room page to come in.")
    if not seat.is_leader and session.group.waiting_room and participant.admitted_at is None:
        raise RoomRefused("waiting", WAITING)
    camera_off = not seat.is_leader and any(camera_off_notices.my_camera_off_notices(user, session).values())
    caller = Caller(
        session_id=session.pk,
        room=session.video_room,
        user_id=user.pk,
        name=user.display_name,
        is_leader=seat.is_leader,
        camera_off=camera_off,
        ends_at=session.ends_at,
    )
    try:
        credential = provider().mint(caller)
    except NotEmbedded:
        raise RoomRefused("not_embedded", NOT_EMBEDDED) from None
    attendance.record_join(session, user)
    # The answer of the call's own HTTP endpoint, read by the embedded client (static/js/call.js), not a room
    # message: its fields are the video engine's (sessions/video/), so it is not in the room's protocol.
    return {
        "type": "call_credential",
        **credential,
        "identity": identity_for(session.pk, user.pk),
        "name": user.display_name,
        "is_leader": seat.is_leader,
        "camera_off": camera_off,
    }


def page_context(session: GroupSession, user, *, is_leader: bool) -> dict:
    """What the room page and the dashboard need to show the call (templates/sessions/includes/call.html).
    No query at all with the plain link; one or two with an embedded call."""
    video = provider()
    client = video.client()
    if not client.embedded:
        return {"embedded": False}
    waiting = camera_off = False
    if not is_leader:
        waiting = session.group.waiting_room and not (
            RoomParticipant.objects.filter(session=session, user=user, admitted_at__isnull=False).exists()
        )
        camera_off = any(camera_off_notices.my_camera_off_notices(user, session).values())
    return {
        "embedded": True,
        "provider": video.name,
        # The engine's own script (Jitsi's IFrame API, from its server) or a vendored one of ours (LiveKit).
        "script": client.script if client.script.startswith("https://") else static(client.script),
        "module": static("js/call-jitsi.js" if video.name == "jitsi" else "js/call.js"),
        "waiting": waiting,
        "camera_off": camera_off,
        "is_leader": is_leader,
        "bar": not is_leader,  # the member's actions, one tap away beside the call on a phone
        "private_word": video.private_rooms,  # sessions/room/private_word.py
    }


# --- the waiting room (leaders' room actions) -------------------------------------------------------


def _admitted_event(participant: RoomParticipant) -> Delivery:
    return Delivery(
        live.user_group(participant.user_id),
        to_browser("call_admitted", session_id=participant.session_id, message="A leader has let you in."),
    )


@transaction.atomic
def admit(seat: Seat, *, user: int) -> Outcome:
    participant = participant_in_session(seat.session, user)
    if participant.is_removed or participant.left_at:
        return Outcome(reply=error("not_in_room", f"{participant.user.display_name} isn't in the room now."))
    if participant.admitted_at is None:
        participant.admitted_at, participant.admitted_by = timezone.now(), seat.user
        participant.save(update_fields=["admitted_at", "admitted_by"])
    return Outcome(
        reply=done("admit", f"{participant.user.display_name} can join the call now."),
        deliveries=[_admitted_event(participant), participant_event(participant)],
    )


@transaction.atomic
def admit_all(seat: Seat) -> Outcome:
    waiting = list(
        RoomParticipant.objects.select_for_update()
        .in_room()
        .filter(session=seat.session, is_leader=False, admitted_at__isnull=True)
        .select_related("user")
    )
    now = timezone.now()
    deliveries = []
    for participant in waiting:
        participant.admitted_at, participant.admitted_by = now, seat.user
        participant.save(update_fields=["admitted_at", "admitted_by"])
        participant.session = seat.session
        deliveries += [_admitted_event(participant), participant_event(participant)]
    message = "Everyone waiting can join the call now." if waiting else "Nobody is waiting."
    return Outcome(reply=done("admit_all", message), deliveries=deliveries)


# --- moderation on the engine -----------------------------------------------------------------------


def mute(seat: Seat, *, user: int) -> Outcome:
    """Mute someone's microphone in the call (they can unmute themselves: this is a nudge, not a gag)."""
    participant = participant_in_session(seat.session, user)
    name = participant.user.display_name
    video = provider()
    if video.kicks_in_browser:
        return Outcome(reply=error("not_embedded", f"To mute {name}, use their menu in the call's participant list."))
    if not video.reaches_call:
        return Outcome(reply=error("not_embedded", "The call is on another site: please mute them there."))
    try:
        muted = video.mute(room=seat.session.video_room, identity=identity_for(seat.session.pk, user))
    except VideoUnreachable:
        logger.warning("video: mute in session %s could not reach the call", seat.session.pk)
        return Outcome(reply=error("call_unreachable", f"The call could not be reached, so {name} is not muted."))
    if not muted:
        return Outcome(reply=done("mute", f"{name}'s microphone is not on in the call."))
    told = Delivery(live.user_group(user), to_browser("call_muted", message="A leader muted your microphone for now."))
    return Outcome(reply=done("mute", f"{name}'s microphone is muted."), deliveries=[told])


def _sessions_to_leave(removal: Removal) -> list[GroupSession]:
    if removal.kind == Removal.Kind.SESSION:
        return list(GroupSession.objects.filter(pk=removal.session_id))
    return list(GroupSession.objects.filter(group_id=removal.membership.group_id, status=GroupSession.Status.OPEN))


@receiver(post_save, sender=Removal, dispatch_uid="sessions.call.removal_leaves_the_call")
def removal_leaves_the_call(sender, instance: Removal, created: bool, **kwargs) -> None:
    """Every removal (dashboard or safeguarding) takes the person out of the call once it commits."""
    if not created:
        return
    video = provider()
    removal_pk = instance.pk
    if video.reaches_call:
        transaction.on_commit(lambda: take_out_of_call(removal_pk))
    elif video.kicks_in_browser:
        transaction.on_commit(lambda: ask_leaders_to_kick(removal_pk))


def ask_leaders_to_kick(removal_pk: int) -> None:
    """Jitsi: the leaders' embedded clients kick the person (static/js/call-jitsi.js, IFrame API kickParticipant).
    The client knows people by their display name only (the IFrame API does not show the JWT's id); it kicks
    when exactly one person in the call has that name, and asks the leader to do it otherwise."""
    removal = Removal.objects.select_related("membership__user").get(pk=removal_pk)
    name = removal.membership.user.display_name
    for session in _sessions_to_leave(removal):
        live.send(
            live.leaders_group(session.pk),
            to_browser(
                "call_kick",
                name=name,
                message=f"{name} is removed here and cannot get back in; your call is taking them out of it.",
            ),
        )


def take_out_of_call(removal_pk: int) -> None:
    removal = Removal.objects.select_related("membership__user").get(pk=removal_pk)
    user = removal.membership.user
    for session in _sessions_to_leave(removal):
        try:
            remove_from_call(session, user.pk)
        except VideoUnreachable:
            logger.warning("video: removal from session %s could not reach the call; retrying", session.pk)
            live.send(
                live.leaders_group(session.pk),
                to_browser(
                    "call_problem",
                    message=(
                        f"The video call could not be reached, so {user.display_name} may still be in the call "
                        "for a moment. They are removed here and cannot get back in; we keep trying."
                    ),
                ),
            )
            _queue(retry_remove_from_call, session.pk, user.pk)


def remove_from_call(session: GroupSession, user_id: int) -> None:
    provider().remove(room=session.video_room, identity=identity_for(session.pk, user_id))


def end_call(session_id: int) -> None:
    """The session ended: close the call for everyone (on `session_ended`, after commit: sessions/receivers.py)."""
    video = provider()
    if not video.reaches_call:
        return
    session = GroupSession.objects.only("pk", "video_room").get(pk=session_id)
    try:
        video.end(room=session.video_room)
    except VideoUnreachable:
        logger.warning("video: ending the call of session %s could not reach the call; retrying", session_id)
        _queue(retry_end_call, session_id)


def _queue(task, *args) -> None:
    """Hand a retry to Celery. With no broker configured (eager, the embedded default) there is no worker to
    retry later, and running it here would hold the request through every retry: log it instead."""
    if task.app.conf.task_always_eager:
        logger.warning("video: no Celery worker, so %s is not retried", task.name)
        return
    try:
        task.apply_async(args, countdown=RETRY_DELAYS[0])
    except BROKER_ERRORS:
        from core.models import TaskOutbox

        TaskOutbox.objects.create(task_name=task.name, args=list(args), kwargs={}, error="broker down")


def _next_delay(retries: int) -> int:
    return RETRY_DELAYS[min(retries, len(RETRY_DELAYS) - 1)]


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), acks_late=True)
def retry_remove_from_call(self, session_id: int, user_id: int) -> None:
    """Keep trying to take a removed person out of the call (they stay refused by our room meanwhile)."""
    session = GroupSession.objects.only("pk", "video_room").get(pk=session_id)
    try:
        remove_from_call(session, user_id)
    except VideoUnreachable as exc:
        raise self.retry(exc=exc, countdown=_next_delay(self.request.retries)) from None
    live.send(live.leaders_group(session_id), to_browser("call_problem_solved", message="The call is reached again."))


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), acks_late=True)
def retry_end_call(self, session_id: int) -> None:
    session = GroupSession.objects.only("pk", "video_room").get(pk=session_id)
    try:
        provider().end(room=session.video_room)
    except VideoUnreachable as exc:
        raise self.retry(exc=exc, countdown=_next_delay(self.request.retries)) from None


HANDLERS = {"admit": admit, "admit_all": admit_all, "mute": mute}
