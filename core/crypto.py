"""Fernet encryption for protected fields, with MultiFernet so keys can be rotated (newest first)."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Every Fernet token starts with this (version byte 0x80, base64): how we tell ciphertext apart.
TOKEN_PREFIX = "gAAAA"  # noqa: S105 - a format marker, not a secret  # nosec B105


class InvalidKeyConfiguration(Exception):
    """FIELD_ENCRYPTION_KEYS is empty or holds something that is not a Fernet key."""


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key. Never return garbage instead."""


def build_multifernet(keys: list[str] | tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise InvalidKeyConfiguration("FIELD_ENCRYPTION_KEYS holds no key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode() if isinstance(key, str) else key))
        except (ValueError, TypeError):
            raise InvalidKeyConfiguration(
                f"FIELD_ENCRYPTION_KEYS: key number {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


@lru_cache(maxsize=4)
def _multifernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return build_multifernet(keys)


def get_multifernet() -> MultiFernet:
    """The MultiFernet for the current settings (cached per key list, so tests can override settings)."""
    return _multifernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return get_multifernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, where: str = "a protected field") -> str:
    try:
        return get_multifernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError(
            f"Could not decrypt {where} with any key in FIELD_ENCRYPTION_KEYS. "
            "Was a key removed before `manage.py rotate_encryption_keys` re-encrypted everything?"
        ) from None


def rotate(token: str, *, where: str = "a protected field") -> str:
    """Re-encrypt a token with the newest key."""
    try:
        return get_multifernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise DecryptionError(f"Could not decrypt {where} for rotation with any configured key.") from None


@lru_cache(maxsize=4)
def _fernet_for(key: str) -> Fernet:
    return Fernet(key.encode())


def is_encrypted_with_newest_key(token: str) -> bool:
    try:
        _fernet_for(settings.FIELD_ENCRYPTION_KEYS[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        return False
    return True
