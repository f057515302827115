"""EncryptedTextField: the database column only ever holds a Fernet token, never the plaintext."""

from django.db import models

from core import crypto


class Ciphertext(str):
    """A Fernet token as read from the database, not yet decrypted."""


class _DecryptOnAccess:
    """Decrypts on first access, so an undecryptable value names its model, field and row."""

    def __init__(self, field: "EncryptedTextField"):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Ciphertext):
            where = f"{instance._meta.label}.{self.field.name} (id={instance.pk})"
            value = crypto.decrypt(value, where=where)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """A text field stored encrypted at rest with the keys in FIELD_ENCRYPTION_KEYS.

    In Python the attribute is the plaintext; the column holds a Fernet token. Empty stays empty
    (nothing to protect). A token that no configured key opens raises DecryptionError naming the
    model, field and row: never ciphertext or garbage. Encrypted columns cannot be searched,
    filtered or ordered: never put them in admin search_fields, list_display or list_filter.
    """

    description = "Text encrypted at rest (Fernet)"

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _DecryptOnAccess(self))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return Ciphertext(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return str(value)  # untouched since it was loaded, or re-encrypted by the rotation command
        return crypto.encrypt(str(value))
