"""Who reads a conversation as the leaders' side: the rule the pages (care/conversations.py) and the new-message
email (care/tasks.py) both use, in a module of its own so that neither imports the other.
"""

from care.models import Conversation
from groups.models import Membership


def leaders_may_see(conversation: Conversation) -> bool:
    """The group's leaders see it, unless it belongs to a concern they may not read (one about a leader, or one
    raised with the trustees alone)."""
    concern = conversation.concern
    return concern is None or concern.leaders_may_read


def _team_ids(conversation: Conversation) -> set[int]:
    """Everyone who reads it as one of the leaders."""
    if not leaders_may_see(conversation):
        return set()
    leaders = Membership.objects.active().leaders().filter(group_id=conversation.group_id)
    if conversation.concern is not None and conversation.concern.about_user_id:
        leaders = leaders.exclude(user_id=conversation.concern.about_user_id)
    return set(leaders.values_list("user_id", flat=True))


def other_side(conversation: Conversation, *, from_leaders: bool) -> set[int]:
    """Who a new message is for: the member when a leader wrote, the leaders when the member wrote."""
    return {conversation.member_id} if from_leaders else _team_ids(conversation)
