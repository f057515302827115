"""What safeguarding tells the apps above it (sessions: the live room's own records), without importing them.

Receivers run inside the sender's transaction, so what they write commits or rolls back with it.
"""

from django.dispatch import Signal

# A removal from one session was recorded. Args: removal (Removal, kind SESSION), actor, now.
session_removal_made = Signal()

# A removal from one session was lifted early: the person may come back into that session. Args: removal.
session_removal_lifted = Signal()

# The retention purge runs (safeguarding.services.purge_expired_records). Args: now. Each receiver deletes its own
# app's expired records and returns {what: how many}; the purge's one audit entry holds every count.
retention_due = Signal()
