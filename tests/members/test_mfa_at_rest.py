"""Two-step secrets (the TOTP key, the recovery codes' seed) are encrypted at rest with the field keys,
through allauth's MFA adapter: a copy of the database does not give away anyone's second factor."""

import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import crypto
from tests.fixtures.factories import enable_mfa

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
BEFORE = [("members", "0001_initial")]


def raw_data(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [pk])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def totp_of(user) -> Authenticator:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def test_the_totp_secret_is_stored_encrypted_and_still_checks_codes(user_factory):
    user = user_factory()
    secret = enable_mfa(user)
    authenticator = totp_of(user)

    raw = raw_data(authenticator.pk)
    assert secret not in raw
    assert json.loads(raw)["secret"].startswith(crypto.TOKEN_PREFIX)
    assert TOTP(authenticator).validate_code(current_code(secret))


def test_the_recovery_codes_seed_is_stored_encrypted_and_the_codes_still_work(user_factory):
    user = user_factory()
    codes = RecoveryCodes.activate(user)
    seed = crypto.decrypt(codes.instance.data["seed"])

    assert seed not in raw_data(codes.instance.pk)
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(codes.generate_codes()[0])


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_secrets_stored_in_plain_text(user_factory):
    user = user_factory()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back unapplies the apps that depend on members too
    executor.migrate(BEFORE)
    try:
        totp = Authenticator.objects.create(user=user, type="totp", data={"secret": secret})
        codes = Authenticator.objects.create(
            user=user, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]}
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    assert secret not in raw_data(totp.pk) and "ab" * 40 not in raw_data(codes.pk)
    assert "12345678" not in raw_data(codes.pk)
    assert TOTP(Authenticator.objects.get(pk=totp.pk)).validate_code(current_code(secret))
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.pk)).generate_codes() == ["12345678"]


def test_key_rotation_re_encrypts_the_secrets_so_the_old_key_can_go(settings, user_factory):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    user = user_factory()
    secret = enable_mfa(user)
    RecoveryCodes.activate(user)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert TOTP(totp_of(user)).validate_code(current_code(secret))
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert len(codes.generate_codes()) == 10
