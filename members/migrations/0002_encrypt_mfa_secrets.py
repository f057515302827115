"""Encrypt the two-step secrets already stored in plain text (members/mfa.py encrypts new ones)."""

from django.db import migrations

from members.mfa import map_secrets
from core import crypto


def _encrypt(value: str) -> str:
    return value if value.startswith(crypto.TOKEN_PREFIX) else crypto.encrypt(value)


def _decrypt(value: str) -> str:
    return crypto.decrypt(value, where="mfa.Authenticator.data") if value.startswith(crypto.TOKEN_PREFIX) else value


def _apply(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = map_secrets(authenticator.data, change)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps, schema_editor):
    _apply(apps, _encrypt)


def decrypt_secrets(apps, schema_editor):
    _apply(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
