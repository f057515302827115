"""Conversations: a member and their group's leaders as a team, outside sessions.

Business rules for starting, writing, reading and purging them; views only call these. The words are
stored encrypted (Message.body) and never leave through an email, a task argument, a log or the audit
trail: emails say only that there is a new message, with a link.
"""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from care.models import Conversation, FollowUp, Message, ReadMark
from care.readers import leaders_may_see, other_side
from core.audit import record
from groups.models import Membership
from groups.roles import leads_group
from members.roles import is_trustee
from safeguarding.models import Concern

MAX_MESSAGE_LENGTH = 5000


def _active_membership(user, group_id: int) -> Membership | None:
    return Membership.objects.active().filter(user=user, group_id=group_id).first()


def role_in(user, conversation: Conversation) -> str | None:
    """ "member" (it is theirs), "leader" (they lead its group), "trustee" (its concern is with them), or None."""
    if not user.is_authenticated:
        return None
    if conversation.member_id == user.pk:
        return "member"
    if (leaders_may_see(conversation) and leads_group(user, conversation.group_id)) and (
        conversation.concern is None or conversation.concern.about_user_id != user.pk
    ):
        return "leader"
    if conversation.concern is not None and conversation.concern.is_with_trustees and is_trustee(user):
        return "trustee"
    return None


def get_conversation_for_user(user, pk: int) -> tuple[Conversation, str]:
    """The conversation and how the user relates to it; 404 for everyone else (another member, another group's
    leader, a trustee when it is not tied to a case with them)."""
    conversation = Conversation.objects.select_related("group", "member", "concern", "follow_up").filter(pk=pk).first()
    role = role_in(user, conversation) if conversation else None
    if role is None:
        raise Http404("No such conversation.")
    return conversation, role


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Please write your message."})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": f"Please keep a message under {MAX_MESSAGE_LENGTH} characters."})
    return body


@transaction.atomic
def send_message(conversation: Conversation, *, actor, body: str) -> Message:
    """Write in a conversation (the member, or one of the group's leaders). Tells the other side by email."""
    from care import tasks

    body = _clean(body)
    role = role_in(actor, conversation)
    if role not in ("member", "leader"):
        raise PermissionDenied("Only the member and the group's leaders write in a conversation.")
    if _active_membership(actor, conversation.group_id) is None:
        raise PermissionDenied("You can write here while you are part of the group.")
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author=actor, from_leaders=role == "leader", body=body, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    readers = other_side(conversation, from_leaders=message.from_leaders)
    get_user_model().objects.filter(pk__in=readers).update(unread_messages=F("unread_messages") + 1)
    ReadMark.objects.update_or_create(conversation=conversation, user=actor, defaults={"read_at": now})
    record(
        "care.message.sent",
        actor=actor,
        subject=conversation,
        data={"message": message.pk, "from_leaders": message.from_leaders, "group": conversation.group_id},
    )
    tasks.email_new_message.delay_on_commit(message.pk)
    return message


@transaction.atomic
def start_conversation(
    *,
    actor,
    group,
    body: str,
    follow_up: FollowUp | None = None,
    concern: Concern | None = None,
    member=None,
) -> Conversation:
    """Start (or continue) a conversation.

    A member writing to "the leaders" continues their one general conversation with that group's leaders (so
    does a leader writing about something the member did in a session: `member`).
    A leader starts one from a follow-up (with its member) or from a concern (with the member who raised it,
    or whom it is about); writing from the same follow-up or concern again continues that conversation.
    """
    _clean(body)
    membership = _active_membership(actor, group.pk)
    if membership is None:
        raise PermissionDenied("You can write to the leaders of groups you are part of.")
    if member is not None:  # a leader, from something the member did in a session (a room alert)
        if not membership.is_leader:
            raise PermissionDenied("Only the group's leaders can do that.")
        if not Membership.objects.active().members().filter(user=member, group=group).exists():
            raise ValidationError("They are no longer an active member of the group.")
        link = {"member": member, "follow_up": None, "concern": None}
    elif follow_up is None and concern is None:
        if membership.is_leader:
            raise PermissionDenied("Leaders start a conversation from a follow-up, a concern or a session alert.")
        link = {"member": actor, "follow_up": None, "concern": None}
    elif not membership.is_leader:
        raise PermissionDenied("Only the group's leaders can do that.")
    elif follow_up is not None:
        if follow_up.group_id != group.pk:
            raise PermissionDenied("That follow-up belongs to another group.")
        if follow_up.member_id is None:
            raise ValidationError("This open item is not about one member: there is nobody to write to.")
        link = {"member": follow_up.member, "follow_up": follow_up, "concern": None}
    else:
        if concern.group_id != group.pk or not concern.leaders_may_read or concern.about_user_id == actor.pk:
            raise PermissionDenied("That concern is not one you can act on.")
        member = conversation_member_for(concern)
        if member is None:
            raise ValidationError("Nobody in the group to write to about this concern.")
        link = {"member": member, "follow_up": None, "concern": concern}
    conversation = Conversation.objects.filter(group=group, **link).order_by("-last_message_at").first()
    if conversation is None:
        conversation = Conversation.objects.create(group=group, started_by=actor, **link)
        record(
            "care.conversation.started",
            actor=actor,
            subject=conversation,
            data={
                "group": group.pk,
                "follow_up": follow_up.pk if follow_up else None,
                "concern": concern.pk if concern else None,
            },
        )
    send_message(conversation, actor=actor, body=body)
    return conversation


def conversation_member_for(concern: Concern):
    """Whom a leader writes to about a concern: the member it is about, else the member who raised it."""
    for user in (concern.about_user, concern.raised_by):
        if user is not None and Membership.objects.active().members().filter(user=user, group=concern.group).exists():
            return user
    return None


def _leaders_concern(prefix: str) -> Q:
    """No concern, or one the group's leaders may read (Concern.leaders_may_read, as a query)."""
    return (
        Q(**{f"{prefix}__isnull": True})
        | Q(**{f"{prefix}__to_trustees": False})
        | Q(**{f"{prefix}__source": Concern.Source.SESSION})
    )


def _unread_for(user):
    """Messages from the other side, newer than how far the user has read, in conversations they read."""
    mark = ReadMark.objects.filter(conversation=OuterRef("conversation"), user=user).values("read_at")[:1]
    led = Membership.objects.active().leaders().filter(user=user).values("group_id")
    visible = Q(conversation__member=user, from_leaders=True) | (
        Q(conversation__group_id__in=led, from_leaders=False)
        & _leaders_concern("conversation__concern")
        & ~Q(conversation__concern__about_user=user)
    )
    messages = Message.objects.filter(visible).annotate(mark=Subquery(mark))
    return messages.filter(Q(mark__isnull=True) | Q(created_at__gt=F("mark")))


def recount_unread(user) -> int:
    """Work out the user's unread count for the navigation again (it is kept on the user: no query per page)."""
    count = _unread_for(user).count()
    get_user_model().objects.filter(pk=user.pk).update(unread_messages=count)
    user.unread_messages = count
    return count


@transaction.atomic
def mark_read(conversation: Conversation, *, user, role: str) -> None:
    """The person has read the conversation up to now; their count in the navigation is worked out again.
    A read by anyone but the member is audited (who read whose messages, never the words)."""
    ReadMark.objects.update_or_create(conversation=conversation, user=user, defaults={"read_at": timezone.now()})
    recount_unread(user)
    if role != "member":
        record("care.conversation.read", actor=user, subject=conversation, data={"as": role})


def unread_by_conversation(user, conversations) -> dict[int, int]:
    """How many unread messages each conversation has for the user. One query."""
    from django.db.models import Count

    rows = (
        _unread_for(user)
        .filter(conversation__in=[c.pk for c in conversations])
        .values("conversation")
        .annotate(n=Count("pk"))
    )
    return {row["conversation"]: row["n"] for row in rows}


def conversations_for(user):
    """The conversations the user reads: their own, and those of the groups they lead."""
    led = Membership.objects.active().leaders().filter(user=user).values("group_id")
    mine = Q(member=user)
    as_leader = Q(group_id__in=led) & _leaders_concern("concern") & ~Q(concern__about_user=user)
    return Conversation.objects.filter(mine | as_leader).select_related("group", "member")


@transaction.atomic
def purge_expired_conversations() -> int:
    """Delete conversations not tied to a concern once quiet for the retention period. Audited (a count)."""
    expired = list(Conversation.objects.expired().values_list("pk", flat=True))
    if not expired:
        return 0
    messages = Message.objects.filter(conversation_id__in=expired).count()
    gone = Conversation.objects.filter(pk__in=expired)
    groups = set(gone.values_list("group_id", flat=True))
    readers = set(gone.values_list("member_id", flat=True)) | set(
        Membership.objects.active().leaders().filter(group_id__in=groups).values_list("user_id", flat=True)
    )
    gone.delete()
    for user in get_user_model().objects.filter(pk__in=readers):  # their unread counts lose what went
        recount_unread(user)
    record("care.conversations.purged", actor=None, data={"conversations": len(expired), "messages": messages})
    return len(expired)


@shared_task(name="care.tasks.purge_old_conversations")  # the name beat has always used (settings)
def purge_old_conversations() -> int:
    """Run by beat daily: conversations not tied to a concern, quiet for the retention period, are deleted.
    Beside its service rather than in care/tasks.py, which never imports a service (no circle); registered
    by CareConfig.ready."""
    return purge_expired_conversations()
