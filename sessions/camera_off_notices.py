"""Camera-off notices: a member tells the leaders they will have their camera off, for one session or as a
standing choice for the group. The reason is protected text, shown to that session's leaders only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from groups.models import Membership
from safeguarding.text import required_visible_text
from sessions.models import CameraOffNotice, GroupSession


@transaction.atomic
def give_camera_off_notice(
    membership: Membership, *, session: GroupSession | None, reason: str, standing: bool
) -> CameraOffNotice:
    """Tell the leaders a member will have their camera off. A new notice replaces the one it overlaps."""
    if not standing and session is None:
        raise ValidationError("Choose a session, or make it a standing choice for the group.")
    reason = required_visible_text(reason, what="why you'd like to have your camera off", field="reason")
    user, group = membership.user, membership.group
    live = CameraOffNotice.objects.active().filter(user=user, group=group)
    live = live.filter(standing=True) if standing else live.filter(session=session, standing=False)
    live.update(withdrawn_at=timezone.now())
    return CameraOffNotice.objects.create(
        group=group, user=user, session=None if standing else session, standing=standing, reason=reason
    )


def withdraw_camera_off_notice(notice: CameraOffNotice) -> None:
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["withdrawn_at"])


def camera_off_notices_for(session: GroupSession) -> QuerySet[CameraOffNotice]:
    """Live camera-off notices of active members for this session: its own and the group's standing ones.

    One query, users loaded with it; ordered by name, with a session notice before a standing one.
    """
    return (
        CameraOffNotice.objects.active()
        .filter(Q(session=session) | Q(standing=True, group_id=session.group_id))
        .filter(
            user__memberships__group_id=session.group_id,
            user__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("user__display_name", "user_id", "standing", "-created_at")
    )


def my_camera_off_notices(user, session: GroupSession) -> dict[str, CameraOffNotice | None]:
    """The member's own live notices that apply to this session: {'session': ..., 'standing': ...}."""
    notices = CameraOffNotice.objects.active().filter(
        Q(session=session) | Q(standing=True, group_id=session.group_id), user=user
    )
    found: dict[str, CameraOffNotice | None] = {"session": None, "standing": None}
    for notice in notices:
        found["standing" if notice.standing else "session"] = notice
    return found
