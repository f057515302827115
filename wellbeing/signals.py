"""Notices wellbeing/ sends to the app above it (care/), which listens: this app never imports that one."""

from django.dispatch import Signal

# Sent by wellbeing.services.add_debrief inside its transaction, with `debrief`, `open_items` (a list of
# wellbeing.debrief_items.OpenItem, already checked) and `actor`. care/receivers.py makes one follow-up per
# item and returns them; add_debrief refuses to save a debrief whose items nobody took (nothing is lost).
debrief_added = Signal()
