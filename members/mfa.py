"""Two-step secrets encrypted at rest: allauth's MFA adapter with our field keys.

allauth stores the TOTP key (`data["secret"]`) and the recovery codes' seed (`data["seed"]`, and
`data["migrated_codes"]`) through the adapter's `encrypt`/`decrypt` hooks, which by default store them
as they are: a copy of the database would give away everyone's second factor. Here they are Fernet tokens
under FIELD_ENCRYPTION_KEYS, like every protected field; rotate_encryption_keys re-encrypts them too.
A value that no key opens fails closed (DecryptionError), never signs anyone in.
"""

from allauth.mfa.adapter import DefaultMFAAdapter

from core import crypto

# The keys of Authenticator.data that allauth passes through encrypt(): for the migration and key rotation.
SECRET_KEYS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, where="a two-step secret (mfa.Authenticator.data)")


def map_secrets(data: dict, change) -> dict:
    """A copy of an Authenticator's data with `change` applied to each secret in it."""
    data = dict(data)
    for key in SECRET_KEYS:
        if isinstance(data.get(key), str):
            data[key] = change(data[key])
    for key in SECRET_LISTS:
        if isinstance(data.get(key), list):
            data[key] = [change(value) for value in data[key]]
    return data
