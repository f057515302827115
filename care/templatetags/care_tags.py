"""Follow-ups on other apps' pages (a session's page), without those apps importing care/."""

from django import template

from care.models import FollowUp

register = template.Library()


@register.simple_tag
def session_follow_ups(session) -> list[FollowUp]:
    """The follow-ups an ended session made, for its leaders. One query."""
    return list(FollowUp.objects.filter(session=session).select_related("member", "owner").order_by("due_at", "id"))


@register.simple_tag
def debrief_follow_ups(session) -> list[FollowUp]:
    """The follow-ups a session's debriefs' open items made, for the debrief page. One query."""
    return list(
        FollowUp.objects.filter(session=session, debrief__isnull=False)
        .select_related("member", "owner")
        .order_by("created_at", "id")
    )


@register.simple_tag
def concern_conversation(concern):
    """The conversation started from a concern, if any (shown on its page to leaders and trustees). One query."""
    from care.models import Conversation

    return Conversation.objects.filter(concern=concern).select_related("member").first()
