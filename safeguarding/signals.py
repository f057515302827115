"""What safeguarding tells the apps above it (sessions: the live room's own records), without importing them.

Receivers run inside the sender's transaction, so what they write commits or rolls back with it.
"""

from django.dispatch import Signal

# A removal from one session was recorded. Args: removal (Removal, kind SESSION), actor, now. The Removal is the
# one record of it: the room (sessions/room/removal.py) only takes the person out of the room it shows. Lifting
# the removal needs no signal: everything that refuses them asks the Removal.
session_removal_made = Signal()

# The retention purge runs (safeguarding.retention.purge_expired_records). Args: now. Each receiver deletes its own
# app's expired records and returns {what: how many}; the purge's one audit entry holds every count.
retention_due = Signal()
