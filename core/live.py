"""Talking to open room sockets from ordinary (synchronous) code: views, services, Celery tasks.

Call these after the change has committed (`transaction.on_commit`). The channel layer only delivers:
the database already holds the state, so if Redis is down we log a warning (never any text) and carry
on. A removed member is refused on their next action or reconnect even if the message never arrives.

Channel-layer groups: `session.<id>` (everyone in a room), `session.<id>.leaders`, `user.<id>` (every
tab of one person, across rooms).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def session_group(session_id: int) -> str:
    return f"session.{session_id}"


def leaders_group(session_id: int) -> str:
    return f"session.{session_id}.leaders"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send(group: str, payload: dict) -> bool:
    """Send one room message to a group; False (and a warning without content) if the layer failed."""
    return group_send(group, {"type": "room.event", "payload": payload})


def group_send(group: str, message: dict) -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception as exc:  # any layer failure: Redis down, full channel...
        logger.warning("room: could not reach group %s through the channel layer (%s)", group, type(exc).__name__)
        return False
    return True


def deliver(outcome) -> bool:
    """Deliver an action's messages (see sessions.room.Outcome). False when a required one failed;
    the outcome's undo has then already run."""
    delivered = True
    for delivery in outcome.deliveries:
        if not send(delivery.group, delivery.payload) and delivery.required:
            delivered = False
            break
    if not delivered and outcome.undo:
        outcome.undo()
    return delivered


def close_user_sockets(user_id: int, *, reason: str) -> bool:
    """Ask every room socket of this person to re-check their access and close if it is gone.

    Sockets re-check against the database rather than trusting the message, so a removal from one
    group does not close a room of another group the person still belongs to.
    """
    return group_send(user_group(user_id), {"type": "room.closed", "reason": reason})


def close_session_sockets(session_id: int) -> bool:
    """The session has ended: every socket in its room says goodbye and closes."""
    return group_send(session_group(session_id), {"type": "room.ended", "session_id": session_id})
