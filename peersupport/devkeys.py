"""The development encryption key: generated once, kept in a git-ignored file, loudly announced."""

import sys
from pathlib import Path

from cryptography.fernet import Fernet

# Tests use a fixed throwaway key so runs are repeatable and never touch the developer's file.
TEST_KEY = "cGVlci1zdXBwb3J0LXRlc3QtZmllbGQta2V5LTAwMDA="


def dev_encryption_key(base_dir: Path, *, testing: bool) -> str:
    """Return the local development key, creating it on first use."""
    if testing:
        return TEST_KEY
    path = base_dir / ".dev-encryption-key"
    if not path.exists():
        path.write_text(Fernet.generate_key().decode() + "\n")
        path.chmod(0o600)
    print(
        "WARNING: protected fields are encrypted with a DEVELOPMENT key from .dev-encryption-key. "
        "Set FIELD_ENCRYPTION_KEYS in production.",
        file=sys.stderr,
    )
    return path.read_text().strip()
