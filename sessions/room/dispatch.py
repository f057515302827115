"""One entry point for every room action, however it arrives (the socket, or a form posted over HTTP).

`perform` re-reads the person's seat and role (the only place the role of a command is checked), then calls the
action's handler. The video call's actions (sessions/call.py) are added to HANDLERS when the app is ready
(sessions/apps.py).
"""

from sessions.room import leader_actions, member_actions
from sessions.room.admission import current_seat
from sessions.room.outcome import Outcome
from sessions.room.protocol import Command, refuse_wrong_role

HANDLERS = {
    "raise_hand": member_actions.raise_hand,
    "lower_hand": member_actions.lower_hand,
    "step_out": member_actions.step_out,
    "back": member_actions.back,
    "pass": member_actions.pass_turn,
    "triggered": member_actions.triggered,
    "message": member_actions.message_leaders,
    "chat": member_actions.chat,
    "leave": member_actions.leave,
    "acknowledge": leader_actions.acknowledge,
    "lower_all_hands": leader_actions.lower_all_hands,
    "reply": leader_actions.reply,
    "backchannel": leader_actions.backchannel,
    "remove": leader_actions.remove,
    "end_session": leader_actions.end,
    "chat_toggle": leader_actions.set_chat,
    "make_concern": leader_actions.make_concern,
}


def perform(session_id: int, user, command: Command) -> Outcome:
    """Re-check the person's place in the room, then carry out one action. Raises RoomRefused or ProtocolError."""
    seat = current_seat(session_id, user)  # one query, the role with it: no query of its own for the role
    refuse_wrong_role(command.type, is_leader=seat.is_leader)
    return HANDLERS[command.type](seat, **command.fields)
