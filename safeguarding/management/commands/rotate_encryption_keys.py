"""Re-encrypt every protected value with the newest key in FIELD_ENCRYPTION_KEYS.

How to rotate: put a new key FIRST in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy, run
this command, and only then remove the old key. It is resumable: values already on the newest key are
skipped, so it can be stopped and run again. Each batch commits on its own.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import crypto
from core.audit import record
from core.fields import Ciphertext, EncryptedTextField


def encrypted_fields() -> list[tuple[type, EncryptedTextField]]:
    """Every EncryptedTextField on every concrete model, found through the app registry."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model, field))
    return found


class Command(BaseCommand):
    help = "Re-encrypt every protected field with the newest key (resumable, in batches) and report counts."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        totals = {"rotated": 0, "already_current": 0, "empty": 0}
        per_field = {}
        for model, field in encrypted_fields():
            counts = self.rotate_field(model, field, batch_size=batch_size, dry_run=dry_run)
            per_field[f"{model._meta.label}.{field.name}"] = counts
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(
                f"{model._meta.label}.{field.name}: {counts['rotated']} re-encrypted, "
                f"{counts['already_current']} already on the newest key, {counts['empty']} empty"
            )
        counts = self.rotate_mfa_secrets(dry_run=dry_run)
        per_field["mfa.Authenticator.data"] = counts
        for key, value in counts.items():
            totals[key] += value
        self.stdout.write(
            f"mfa.Authenticator.data: {counts['rotated']} re-encrypted, "
            f"{counts['already_current']} already on the newest key, {counts['empty']} empty"
        )
        if not dry_run:
            with transaction.atomic():
                record(
                    "safeguarding.keys.rotated",
                    actor=None,
                    data={"totals": totals, "fields": per_field, "key_count": len(settings.FIELD_ENCRYPTION_KEYS)},
                )
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals['rotated']} value(s) {verb}, {totals['already_current']} already current, "
                f"{totals['empty']} empty."
            )
        )

    def rotate_mfa_secrets(self, *, dry_run: bool) -> dict[str, int]:
        """Two-step secrets live inside allauth's JSON `data` (members/mfa.py): re-encrypt each one in it."""
        from allauth.mfa.models import Authenticator

        from members.mfa import map_secrets

        counts = {"rotated": 0, "already_current": 0, "empty": 0}
        for pk in Authenticator.objects.order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
                if authenticator is None:
                    continue

                def rotate(token: str, pk=pk) -> str:
                    if crypto.is_encrypted_with_newest_key(token):
                        counts["already_current"] += 1
                        return token
                    counts["rotated"] += 1
                    try:
                        return crypto.rotate(token, where=f"mfa.Authenticator.data (id={pk})")
                    except crypto.DecryptionError as exc:
                        raise CommandError(f"{exc} Stopped; fix the key list and run the command again.") from None

                data = map_secrets(authenticator.data, rotate)
                if data != authenticator.data and not dry_run:
                    Authenticator.objects.filter(pk=pk).update(data=data)
        return counts

    def rotate_field(self, model, field, *, batch_size: int, dry_run: bool) -> dict[str, int]:
        counts = {"rotated": 0, "already_current": 0, "empty": 0}
        manager = model._base_manager  # plain manager: no append-only refusals, no default filtering
        last_pk = None
        while True:
            with transaction.atomic():
                batch = manager.select_for_update().order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch.values_list("pk", field.attname)[:batch_size])
                if not rows:
                    return counts
                for pk, token in rows:
                    if not token:
                        counts["empty"] += 1
                        continue
                    if crypto.is_encrypted_with_newest_key(token):
                        counts["already_current"] += 1
                        continue
                    try:
                        rotated = crypto.rotate(token, where=f"{model._meta.label}.{field.name} (id={pk})")
                    except crypto.DecryptionError as exc:
                        raise CommandError(
                            f"{exc} Stopped: {counts['rotated']} value(s) of this field were re-encrypted before it; "
                            "fix the key list and run the command again to carry on."
                        ) from None
                    if not dry_run:
                        manager.filter(pk=pk).update(**{field.attname: Ciphertext(rotated)})
                    counts["rotated"] += 1
                last_pk = rows[-1][0]
