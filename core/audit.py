"""The audit trail: one append-only, hash-chained list of who did what to which record.

    from core.audit import record
    with transaction.atomic():
        membership.set_status(...)
        record("groups.membership.role_changed", actor=request.user, subject=membership, data={"to": "leader"})

Each event stores the previous event's hash and its own hash over its content, so editing or
deleting a row breaks the chain, which `manage.py verify_audit_chain` reports. Appends are
serialised (a PostgreSQL advisory lock held until the transaction ends; SQLite serialises writers
itself), so writers in several processes still build one unbroken chain.

Labels are snapshots that survive deletion and erasure, so they never hold personal data: an actor
is "user #12", a subject "membership #7" unless its model offers a safe `audit_label()`.
`data` is masked: keys that could carry protected text are replaced (see MASKED_KEYS).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core import crypto

GENESIS_HASH = "0" * 64
MASK = "[masked]"
# Keys whose values could be protected text (contact details, concern texts, notes, links, reasons
# written in someone's own words, secrets). "reasons" (a list of codes from a fixed list) is fine.
MASKED_KEYS = frozenset(
    {
        "address",
        "body",
        "camera_off_reason",
        "content",
        "details",
        "email",
        "emergency_contact_name",
        "emergency_contact_phone",
        "link",
        "meeting_link",
        "message",
        "note",
        "notes",
        "password",
        "phone",
        "reason",
        "secret",
        "text",
        "token",
    }
)
MASKED_SUFFIXES = ("_password", "_secret", "_token", "_text", "_note", "_reason")
# A constant key for pg_advisory_xact_lock: "audit" in ASCII, so it is easy to spot in pg_locks.
ADVISORY_LOCK_KEY = 0x6175646974


def _is_masked_key(key: str) -> bool:
    key = key.lower()
    return key in MASKED_KEYS or key.endswith(MASKED_SUFFIXES)


def mask(value):
    """A copy of value with every protected-looking entry replaced by MASK (recursively)."""
    if isinstance(value, dict):
        return {str(k): (MASK if _is_masked_key(str(k)) else mask(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(item) for item in value]
    if isinstance(value, str) and value.startswith(crypto.TOKEN_PREFIX):
        return MASK  # ciphertext has no place in the audit trail either
    return value


def normalise_data(data: dict | None) -> dict:
    """Masked and round-tripped through JSON, so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(mask(data or {}), cls=DjangoJSONEncoder))


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    return f"user #{actor.pk}"


def subject_label(subject) -> str:
    if subject is None:
        return ""
    label = getattr(subject, "audit_label", None)
    if callable(label):
        return str(label())[:200]
    return f"{subject._meta.verbose_name} #{subject.pk}"


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def compute_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode("utf-8")).hexdigest()


def event_payload(event) -> dict:
    """The fields the hash covers: everything but the row id and the hashes themselves."""
    return {
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "subject_type": event.subject_type_label,
        "subject_id": event.subject_id,
        "subject_label": event.subject_label,
        "data": event.data,
    }


def _lock_chain() -> None:
    """Serialise appends until this transaction ends (PostgreSQL); SQLite serialises writes itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def record(action: str, *, actor, subject=None, data: dict | None = None):
    """Append one event to the audit trail, in the caller's transaction. Never put protected text in data."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEvent

    if not action or "." not in action:
        raise ValueError("Audit actions are dotted names, e.g. 'safeguarding.contact.viewed'.")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous visitor is recorded as the system acting for them
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_label=actor_label(actor),
            action=action,
            subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False) if subject else None,
            subject_id=str(subject.pk) if subject is not None else "",
            subject_label=subject_label(subject),
            data=normalise_data(data),
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = compute_hash(event.prev_hash, event_payload(event))
        event.save()
    return event


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in id order; report the first event whose link or hash does not hold."""
    from core.models import AuditEvent

    expected_prev = GENESIS_HASH
    checked = 0
    queryset = AuditEvent.objects.select_related("subject_type").order_by("id")
    for event in queryset.iterator(chunk_size=chunk_size):
        checked += 1
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "its previous hash does not match the event before it")
        if compute_hash(event.prev_hash, event_payload(event)) != event.hash:
            return ChainReport(checked, event.pk, "its content does not match its hash (it was changed)")
        expected_prev = event.hash
    return ChainReport(checked)
