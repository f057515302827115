"""Workflows of groups: joining, the group agreement, leaving and leadership (invitations: groups/invitations.py).

Each function takes keyword-only arguments and an explicit actor, runs in one transaction and writes its
audit entry in that transaction. Emails go out after commit through Celery tasks that take primary keys.
Refusals raise GroupActionRefused (or InvitationRefused) carrying a kind message to show the person.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from core import live
from core.audit import record
from groups import tasks, texts
from groups.models import Agreement, GuidelinesVersion, Membership, SupportGroup
from groups.roles import leads_group
from members.roles import is_trustee

Status, Role = Membership.Status, Membership.Role


# Someone suspended or removed from a group can neither ask to join it again nor use an invitation to it.
NOT_ALLOWED = (
    "You can't join this group at the moment. If you would like to talk about it, please get in touch with the charity."
)


class GroupActionRefused(Exception):
    """A request that cannot go ahead; str(exception) is a kind message for the person."""


def ensure_can_manage(group: SupportGroup, actor) -> None:
    """Only the group's leaders and trustees run a group; views check first, this is the last line."""
    if not (leads_group(actor, group) or is_trustee(actor)):
        raise PermissionDenied("Only the group's leaders can do this.")


def _lock_active_leaders(group_id: int) -> list[Membership]:
    """Lock the group's active leaders (in pk order, before any single row) so that two leaders stepping
    down at once cannot leave the group without one, and cannot deadlock."""
    return list(Membership.objects.select_for_update().active().leaders().filter(group_id=group_id).order_by("pk"))


def _locked(membership: Membership) -> Membership:
    """The membership re-read under a row lock (its group and user are read, not locked)."""
    return Membership.objects.select_for_update(of=("self",)).select_related("group", "user").get(pk=membership.pk)


# --- joining ------------------------------------------------------------------------------------


def request_to_join(group: SupportGroup, *, user, note: str = "") -> Membership:
    """Ask to join a group from the directory. Someone who left or was declined may ask again."""
    if not group.is_open_to_requests or group.is_archived:
        raise GroupActionRefused("This group isn't taking new requests just now. Please have a look at the others.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
        if membership is None:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(group=group, user=user, request_note=note)
            except IntegrityError:  # the same person asked twice at the same moment
                raise GroupActionRefused(
                    "You've already asked to join this group. A leader will get back to you soon."
                ) from None
        elif membership.status == Status.ACTIVE:
            raise GroupActionRefused("You're already a member of this group.")
        elif membership.status == Status.PENDING:
            raise GroupActionRefused("You've already asked to join this group. A leader will get back to you soon.")
        elif membership.status in (Status.SUSPENDED, Status.REMOVED):
            raise GroupActionRefused(NOT_ALLOWED)
        else:  # left or declined: ask again
            membership.role = Role.MEMBER
            membership.request_note = note
            membership.requested_at = timezone.now()
            membership.decline_message = ""
            membership.save(update_fields=["role", "request_note", "requested_at", "decline_message"])
            membership.set_status(Status.PENDING)
        record("groups.membership.requested", actor=user, subject=membership, data={"group": group.pk})
        tasks.email_leaders_about_request.delay_on_commit(membership.pk)
    return membership


def approve_request(membership: Membership, *, actor) -> Membership:
    with transaction.atomic():
        membership = _locked(membership)
        ensure_can_manage(membership.group, actor)
        if membership.status != Status.PENDING:
            raise GroupActionRefused("This request has already been answered.")
        membership.set_status(Status.ACTIVE)
        record("groups.membership.approved", actor=actor, subject=membership, data={"group": membership.group_id})
        tasks.email_request_answered.delay_on_commit(membership.pk)
    return membership


def decline_request(membership: Membership, *, actor, message: str = "") -> Membership:
    """Say no kindly. The row is kept with status "declined" (a record of the answer); the person may ask again."""
    with transaction.atomic():
        membership = _locked(membership)
        ensure_can_manage(membership.group, actor)
        if membership.status != Status.PENDING:
            raise GroupActionRefused("This request has already been answered.")
        membership.decline_message = message.strip()
        membership.save(update_fields=["decline_message"])
        membership.set_status(Status.DECLINED)
        record(
            "groups.membership.declined",
            actor=actor,
            subject=membership,
            data={"group": membership.group_id, "with_message": bool(membership.decline_message)},
        )
        tasks.email_request_answered.delay_on_commit(membership.pk)
    return membership


# --- the group agreement ------------------------------------------------------------------------


def publish_guidelines(
    group: SupportGroup, *, actor, principles: str, guidelines: str, change_summary: str
) -> GuidelinesVersion:
    """Make the next version of the group's agreement; every member is asked to agree to it again.

    The author (a leader of the group) is counted as agreeing: they wrote it.
    """
    with transaction.atomic():
        group = SupportGroup.objects.select_for_update().get(pk=group.pk)  # one number per version, no gaps
        ensure_can_manage(group, actor)
        current = group.current_guidelines()
        if current is not None and current.has_same_text(principles, guidelines):
            raise GroupActionRefused("These guidelines are the same as the current version, so nothing was changed.")
        number = (group.guideline_versions.aggregate(Max("number"))["number__max"] or 0) + 1
        version = GuidelinesVersion.objects.create(
            group=group,
            number=number,
            principles=principles,
            guidelines=guidelines,
            change_summary=change_summary,
            created_by=actor,
        )
        record(
            "groups.guidelines.version_created",
            actor=actor,
            subject=version,
            data={"group": group.pk, "number": number},
        )
        author = Membership.objects.active().filter(group=group, user=actor).first()
        if author is not None:
            _record_agreement(author, version)
    return version


def publish_default_guidelines(group: SupportGroup, *, actor) -> GuidelinesVersion:
    """The first version of a new group's agreement: the charity's principles and guidelines."""
    return publish_guidelines(
        group,
        actor=actor,
        principles=texts.PRINCIPLES_TEXT,
        guidelines=texts.GUIDELINES_TEXT,
        change_summary="The charity's principles and guidelines.",
    )


def _record_agreement(membership: Membership, version: GuidelinesVersion) -> Agreement:
    agreement, created = Agreement.objects.get_or_create(user_id=membership.user_id, version=version)
    if created:
        record(
            "groups.agreement.recorded",
            actor=membership.user,
            subject=agreement,
            data={"group": version.group_id, "number": version.number},
        )
    return agreement


def agree(membership: Membership, *, version: GuidelinesVersion) -> Agreement:
    """Record that the member agreed to this version, which must still be the group's current one."""
    if not membership.is_active:
        raise GroupActionRefused("Only the group's members can agree to its guidelines.")
    if version.group_id != membership.group_id:
        raise GroupActionRefused("These guidelines belong to another group.")
    with transaction.atomic():
        current = membership.group.current_guidelines()
        if current is None or current.pk != version.pk:
            raise GroupActionRefused(
                "The guidelines were updated while you were reading them. Please take a moment to read the new version."
            )
        return _record_agreement(membership, version)


# --- leaving and leadership ---------------------------------------------------------------------


def leave_group(membership: Membership) -> Membership:
    """Leave a group, or withdraw a request to join. A group's only leader must appoint another first."""
    with transaction.atomic():
        leaders = _lock_active_leaders(membership.group_id)
        membership = _locked(membership)
        if membership.status not in (Status.ACTIVE, Status.PENDING):
            raise GroupActionRefused("You're not in this group.")
        if membership.is_leader and len(leaders) == 1:
            raise GroupActionRefused(
                "You're the group's only leader. Please appoint another leader before you leave, "
                "so the group is looked after."
            )
        was = membership.status
        if membership.role != Role.MEMBER:
            membership.set_role(Role.MEMBER)
        membership.set_status(Status.LEFT)
        action = "groups.membership.left" if was == Status.ACTIVE else "groups.membership.request_withdrawn"
        record(action, actor=membership.user, subject=membership, data={"group": membership.group_id})
        if was == Status.ACTIVE:
            # Someone who leaves while a room is open in another tab is out of it at once, not on their next action.
            user_id = membership.user_id
            transaction.on_commit(lambda: live.close_user_sockets(user_id, reason="left_group"))
    return membership


SELF_APPOINTMENT = "You can't appoint yourself as a leader. Please ask another trustee to do it."


def self_appointment_refusal(user_id: int, role: str, *, actor) -> str | None:
    """Nobody makes themselves a leader: a leader reads the group's meetings and rooms, so it takes a second
    person (another trustee, or a leader of the group)."""
    if role == Role.LEADER and actor is not None and user_id == actor.pk:
        return SELF_APPOINTMENT
    return None


def role_change_refusal(membership: Membership, role: str, *, leader_count: int | None = None) -> str | None:
    """Why membership cannot take this role now (a kind message), or None. Shared by the services and the admin."""
    if role == Role.LEADER:
        if not membership.is_active:
            return "Only an active member can be made a leader."
        if membership.role == Role.LEADER:
            return f"{membership.user.display_name} is already a leader of this group."
        return None
    if not membership.is_leader:
        return "Only a leader can step down."
    if leader_count is None:
        leader_count = Membership.objects.active().leaders().filter(group_id=membership.group_id).count()
    if leader_count <= 1:
        return "A group always needs a leader. Please appoint another leader before this one steps down."
    return None


def _change_role(membership: Membership, *, actor, role: str) -> None:
    was = membership.role
    membership.set_role(role)
    record(
        "groups.membership.role_changed",
        actor=actor,
        subject=membership,
        data={"group": membership.group_id, "from": was, "to": role},
    )
    # Their open room sockets re-check and close: a socket keeps the role it opened with for what it listens to
    # (a demoted leader must stop hearing the leaders' backchannel at once). Commands check the role afresh anyway.
    user_id = membership.user_id
    transaction.on_commit(lambda: live.close_user_sockets(user_id, reason="role_changed"))


# Sent inside the appointment's transaction before a leader is appointed; a receiver may refuse it by raising
# GroupActionRefused (safeguarding: a lapsed DBS check needs a trustee's override with a reason).
leader_appointing = Signal()


def appoint_leader(membership: Membership, *, actor, override_reason: str = "") -> Membership:
    """A leader (or a trustee) makes an active member a leader; they will be asked to set up two-step sign-in."""
    with transaction.atomic():
        membership = _locked(membership)
        ensure_can_manage(membership.group, actor)
        if refusal := self_appointment_refusal(membership.user_id, Role.LEADER, actor=actor) or role_change_refusal(
            membership, Role.LEADER
        ):
            raise GroupActionRefused(refusal)
        leader_appointing.send(sender=Membership, membership=membership, actor=actor, override_reason=override_reason)
        _change_role(membership, actor=actor, role=Role.LEADER)
        tasks.email_new_leader.delay_on_commit(membership.pk)
    return membership


def step_down(membership: Membership, *, actor) -> Membership:
    """A leader becomes a member again (themselves, or by another leader or a trustee); never the last one."""
    with transaction.atomic():
        leaders = _lock_active_leaders(membership.group_id)
        membership = _locked(membership)
        if actor.pk != membership.user_id:
            ensure_can_manage(membership.group, actor)
        if refusal := role_change_refusal(membership, Role.MEMBER, leader_count=len(leaders)):
            raise GroupActionRefused(refusal)
        _change_role(membership, actor=actor, role=Role.MEMBER)
    return membership


def add_member(group: SupportGroup, *, user, role: str, actor) -> Membership:
    """A trustee adds someone straight to a group (in the admin), e.g. a new group's first leader."""
    with transaction.atomic():
        ensure_can_manage(group, actor)
        if refusal := self_appointment_refusal(user.pk, role, actor=actor):
            raise GroupActionRefused(refusal)
        now = timezone.now()
        membership = Membership.objects.create(
            group=group,
            user=user,
            role=role,
            status=Status.ACTIVE,
            requested_at=now,
            joined_at=now,
            role_changed_at=now if role == Role.LEADER else None,
        )
        if role == Role.LEADER:
            leader_appointing.send(sender=Membership, membership=membership, actor=actor)
        record("groups.membership.added", actor=actor, subject=membership, data={"group": group.pk, "role": role})
        if role == Role.LEADER:
            tasks.email_new_leader.delay_on_commit(membership.pk)
    return membership


def update_room_settings(group: SupportGroup, *, actor, welfare_threshold_minutes: int, chat_word_list: str) -> bool:
    """A leader (or trustee) sets the group's welfare threshold and chat word list. Audited; False if unchanged.

    The audit entry names the entries added and removed (list words, not anyone's words).
    """
    from groups.wordlist import entries

    with transaction.atomic():
        group = SupportGroup.objects.select_for_update().get(pk=group.pk)
        ensure_can_manage(group, actor)
        word_list = "\n".join(entries(chat_word_list)) + "\n" if entries(chat_word_list) else ""
        before, after = set(entries(group.chat_word_list)), set(entries(word_list))
        data = {}
        if group.welfare_threshold_minutes != welfare_threshold_minutes:
            data["welfare_threshold_minutes"] = {
                "from": group.welfare_threshold_minutes,
                "to": welfare_threshold_minutes,
            }
        if before != after:
            data["word_list"] = {"added": sorted(after - before), "removed": sorted(before - after)}
        if not data:
            return False
        group.welfare_threshold_minutes = welfare_threshold_minutes
        group.chat_word_list = word_list
        group.save(update_fields=["welfare_threshold_minutes", "chat_word_list"])
        record("groups.room_settings.changed", actor=actor, subject=group, data={"group": group.pk, **data})
    return True
