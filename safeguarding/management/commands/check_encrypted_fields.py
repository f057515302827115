"""Decrypt stored protected values with the configured keys, without showing them: the restore drill's last step.

A restored backup is only worth something if FIELD_ENCRYPTION_KEYS still opens it. This reads up to
--sample values of every encrypted field (newest rows first) and decrypts each; it prints counts only.
"""

from django.core.management.base import BaseCommand, CommandError

from core import crypto
from safeguarding.management.commands.rotate_encryption_keys import encrypted_fields


class Command(BaseCommand):
    help = "Check that stored protected values decrypt with FIELD_ENCRYPTION_KEYS (counts only, no values shown)."

    def add_arguments(self, parser):
        parser.add_argument("--sample", type=int, default=200, help="Values to try per field (default 200).")
        parser.add_argument(
            "--allow-empty", action="store_true", help="Pass when no field holds a value yet (a brand-new site)."
        )

    def handle(self, *args, sample: int, allow_empty: bool, **options):
        total = 0
        for model, field in encrypted_fields():
            label = f"{model._meta.label}.{field.name}"
            rows = (
                model._base_manager.exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{field.attname: ""})
                .order_by("-pk")
                .values_list("pk", field.attname)[:sample]
            )
            checked = 0
            for pk, token in rows:
                try:
                    crypto.decrypt(token, where=f"{label} (id={pk})")
                except crypto.DecryptionError as exc:
                    raise CommandError(str(exc)) from None
                checked += 1
            total += checked
            if checked:
                self.stdout.write(f"{label}: {checked} value(s) decrypted")
        if not total and not allow_empty:
            raise CommandError(
                "No encrypted value is stored, so nothing shows the keys open this data (--allow-empty to pass)."
            )
        self.stdout.write(self.style.SUCCESS(f"Encryption keys open the data: {total} value(s) decrypted."))
