"""`make keys`: fresh secrets to paste into .env, one VARIABLE=value a line.

Standard library only, so it runs before any set-up (on the server, with the system's python3).
The encryption key is what cryptography's Fernet.generate_key() returns: 32 random bytes, url-safe base64.
"""

import base64
import os
import secrets


def fresh_keys() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
    }


if __name__ == "__main__":
    print("# Paste into .env. Keep FIELD_ENCRYPTION_KEYS apart from the backups too (docs/operations.md).")
    for name, value in fresh_keys().items():
        print(f"{name}={value}")
