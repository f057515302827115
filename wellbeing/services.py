"""Care workflows: saving and sharing a safety plan, reading one shared with leaders, debriefs, the no-leader alert.

Every function takes keyword-only arguments and an explicit actor, runs in one transaction and writes its
audit entry there. Audit data never carries the words themselves (only ids and which sections changed).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record
from groups.models import Membership, SupportGroup
from groups.roles import leads_group
from members.roles import is_trustee
from wellbeing.debrief_items import OpenItem, check_items
from wellbeing.models import SAFETY_PLAN_SECTIONS, Debrief, SafetyPlan
from wellbeing.signals import debrief_added

SECTION_NAMES = [name for name, _, _ in SAFETY_PLAN_SECTIONS]
MAX_SECTION_LENGTH = 4000


def groups_to_share_with(user):
    """The groups whose leaders the member may share their plan with: those they are an active member of."""
    return SupportGroup.objects.filter(
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.MEMBER,
        is_archived=False,
    ).order_by("name")


@transaction.atomic
def save_safety_plan(*, user, sections: dict[str, str], shared_groups) -> SafetyPlan:
    """Create or update the member's own plan, and which groups' leaders may read it (changes audited)."""
    unknown = set(sections) - set(SECTION_NAMES)
    if unknown:
        raise ValidationError(f"Unknown sections: {', '.join(sorted(unknown))}")
    too_long = [name for name, text in sections.items() if len(text) > MAX_SECTION_LENGTH]
    if too_long:
        raise ValidationError({name: f"Please keep this under {MAX_SECTION_LENGTH} characters." for name in too_long})
    allowed = set(groups_to_share_with(user).values_list("pk", flat=True))
    wanted = {group.pk for group in shared_groups}
    if not wanted <= allowed:
        raise ValidationError("You can share your plan only with the leaders of groups you belong to.")

    plan, created = SafetyPlan.objects.select_for_update().get_or_create(user=user)
    changed = [name for name in SECTION_NAMES if name in sections and getattr(plan, name) != sections[name]]
    for name in changed:
        setattr(plan, name, sections[name])
    if changed:
        plan.updated_at = timezone.now()
        plan.save(update_fields=[*changed, "updated_at"])
    if created or changed:
        record(
            "wellbeing.safety_plan.created" if created else "wellbeing.safety_plan.updated",
            actor=user,
            subject=plan,
            data={"sections": changed},
        )
    before = set(plan.shared_with.values_list("pk", flat=True))
    for group_id in sorted(wanted - before):
        plan.shared_with.add(group_id)
        record("wellbeing.safety_plan.shared", actor=user, subject=plan, data={"group_id": group_id})
    for group_id in sorted(before - wanted):
        plan.shared_with.remove(group_id)
        record("wellbeing.safety_plan.unshared", actor=user, subject=plan, data={"group_id": group_id})
    return plan


@transaction.atomic
def delete_safety_plan(*, user) -> bool:
    """The member deletes their own plan (and with it every share). True if there was one."""
    plan = SafetyPlan.objects.filter(user=user).first()
    if plan is None:
        return False
    record("wellbeing.safety_plan.deleted", actor=user, subject=plan, data={"plan_id": plan.pk})
    plan.delete()
    return True


@transaction.atomic
def read_shared_safety_plan(plan: SafetyPlan, *, actor, group: SupportGroup) -> SafetyPlan:
    """A leader reads a plan its owner shares with their group: checked again here, and audited."""
    if not leads_group(actor, group) or not plan.shared_with.filter(pk=group.pk).exists():
        raise PermissionDenied("This safety plan is not shared with you.")
    record("wellbeing.safety_plan.viewed", actor=actor, subject=plan, data={"group_id": group.pk})
    return plan


# --- debriefs ---------------------------------------------------------------------------------------------


class DebriefRefused(Exception):
    """A debrief cannot be written or read this way; str(exception) says why, kindly."""


@transaction.atomic
def add_debrief(
    session,
    *,
    actor,
    how_it_went: str,
    carry_forward: str = "",
    how_we_are: str = "",
    open_items: list[OpenItem] = (),
) -> Debrief:
    """A leader of the group writes a debrief after the session has ended. Add-only; audited (without its words).

    Each open item becomes a follow-up for the group's leaders (care/ listens to debrief_added), in this
    transaction: the debrief and its follow-ups are saved together or not at all.
    """
    from sessions.models import GroupSession

    if not leads_group(actor, session.group_id):
        raise PermissionDenied("Only the group's leaders can write a debrief.")
    if session.status != GroupSession.Status.ENDED:
        raise DebriefRefused("A debrief is written once the session has ended.")
    if not how_it_went.strip():
        raise ValidationError({"how_it_went": "Please say a few words about how it went."})
    open_items = list(open_items)
    check_items(session, open_items)
    debrief = Debrief.objects.create(
        session=session,
        author=actor,
        how_it_went=how_it_went,
        carry_forward=carry_forward,
        how_we_are=how_we_are,
    )
    record(
        "wellbeing.debrief.added",
        actor=actor,
        subject=debrief,
        data={
            "session": session.pk,
            "group": session.group_id,
            "carry_forward": bool(carry_forward.strip()),
            "open_items": len(open_items),
        },
    )
    responses = debrief_added.send(sender=Debrief, debrief=debrief, open_items=open_items, actor=actor)
    made = sum(len(result or ()) for _, result in responses)
    if made != len(open_items):
        # Nobody turned the items into follow-ups: refuse rather than lose them (rolls the debrief back too).
        raise RuntimeError(f"{len(open_items)} open items, {made} follow-ups made: is the care app installed?")
    return debrief


@transaction.atomic
def link_debrief_to_case(debrief: Debrief, *, actor, concern) -> Debrief:
    """A trustee links a debrief to a safeguarding case of the same group, so that trustees may read it."""
    if not is_trustee(actor):
        raise PermissionDenied("Only trustees link a debrief to a case.")
    if concern is not None and concern.group_id != debrief.session.group_id:
        raise ValidationError({"concern": "That case is about another group."})
    before = debrief.concern_id
    debrief.concern = concern
    debrief.save(update_fields=["concern"])
    record(
        "wellbeing.debrief.linked_to_case",
        actor=actor,
        subject=debrief,
        data={"from_concern": before, "to_concern": concern.pk if concern else None},
    )
    return debrief


@transaction.atomic
def read_debrief_as_trustee(debrief: Debrief, *, actor) -> Debrief:
    """A trustee reads a debrief's words: only when it is linked to a case, and each read is audited."""
    if not is_trustee(actor):
        raise PermissionDenied("Only trustees can read this here.")
    if debrief.concern_id is None:
        raise PermissionDenied("A debrief's words are for the group's leaders unless it is linked to a case.")
    record("wellbeing.debrief.viewed", actor=actor, subject=debrief, data={"concern": debrief.concern_id})
    return debrief


def open_carry_forward(group) -> Debrief | None:
    """The group's latest debrief with something to carry forward: shown on the next debrief form."""
    return (
        Debrief.objects.for_group(group)
        .select_related("session", "author")
        .exclude(carry_forward="")
        .order_by("-created_at")
        .first()
    )
