"""What the sessions app tells apps above it (care: follow-ups), without importing them.

Receivers run inside the sender's transaction, so what they write commits or rolls back with it.
"""

from django.dispatch import Signal

# A leader ended a session. Args: session (the locked, ended GroupSession), actor.
session_ended = Signal()

# A member who was in the room when it ended gave the leaving check-in afterwards. Args: alert (RoomAlert).
checked_in_after_end = Signal()

# A member is about to come into a session (the join page or the room page), every check passed. Args: session,
# user, next_url (where they were going). A receiver returns the address of a step to take first, or None.
# Sent with send_robust by sessions.entry: a failing receiver costs its step, never the way into the room.
before_room = Signal()
