"""A separate process appending to the audit trail, for tests/faults/test_audit_processes.py.

    python -m tests.faults.audit_writer WRITER COUNT START_AT [--no-lock]

Waits until START_AT (a time.time() value) so every writer starts together, then appends COUNT events,
each in its own transaction. A short pause between reading the chain's last hash and saving the new
event widens the window in which writers overlap; --no-lock removes the advisory lock (the positive
control: without it, the chain breaks).
"""

import os
import sys
import time

import django


def main() -> None:
    writer, count, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    django.setup()

    from django.db import transaction

    from core import audit
    from core.models import AuditEvent

    original_save = AuditEvent.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.01)  # between reading the last hash and writing: where concurrent writers collide
        return original_save(self, *args, **kwargs)

    AuditEvent.save = slow_save
    if "--no-lock" in sys.argv:
        audit._lock_chain = lambda: None

    time.sleep(max(0.0, start_at - time.time()))
    for i in range(count):
        with transaction.atomic():
            audit.record("tests.faults.appended", actor=None, data={"writer": writer, "i": i})
    print(f"writer {writer} appended {count}")


if __name__ == "__main__":
    main()
