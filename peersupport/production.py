"""What production mode refuses to start with: placeholder secrets copied from .env.example, short keys.

Read by settings.py before anything else runs, so a misconfigured stack stops at its migrate step with a
list naming every variable to fix, instead of serving members with a guessable key.
"""

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Django's own bar for a secret key (its security.W009 check): long, and not a handful of repeated characters.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
PLACEHOLDER = "change-me"
# Every variable that holds a password or key (or a URL that can carry one).
SECRET_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_HOST_PASSWORD",
    "POSTGRES_PASSWORD",
    "SENTRY_DSN",
    "LIVEKIT_API_SECRET",
    "JITSI_APP_SECRET",
    "JITSI_JAAS_PRIVATE_KEY",
)
# Jitsi's JWTs are signed with HS256 and this shared secret: a short one could be guessed offline from any token.
JITSI_SECRET_MIN_LENGTH = 32


def placeholder_problems(environ) -> list[str]:
    """One line per variable production must not start with, naming it and saying why (no value shown)."""
    problems = [
        f"{name} still holds the placeholder '{PLACEHOLDER}' from .env.example (make keys prints fresh values)."
        for name in SECRET_VARIABLES
        if PLACEHOLDER in environ.get(name, "").lower()
    ]
    secret = environ.get("DJANGO_SECRET_KEY", "")
    if (
        secret
        and PLACEHOLDER not in secret.lower()
        and (
            len(secret) < SECRET_KEY_MIN_LENGTH
            or len(set(secret)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
            or secret.startswith("django-insecure-")
        )
    ):
        problems.append(
            f"DJANGO_SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} random characters "
            "(make keys prints one)."
        )
    jitsi = environ.get("VIDEO_PROVIDER", "").strip().lower() == "jitsi"
    jaas = jitsi and environ.get("JITSI_JAAS_APP_ID", "").strip()
    jaas_key = environ.get("JITSI_JAAS_PRIVATE_KEY", "")
    if jaas and PLACEHOLDER not in jaas_key.lower() and not is_rsa_private_key(jaas_key):
        problems.append(
            "JITSI_JAAS_PRIVATE_KEY is not an RSA private key in PEM form: paste the key the JaaS console downloaded "
            "(its line breaks kept, or written \\n on one line)."
        )
    jitsi_secret = environ.get("JITSI_APP_SECRET", "")
    if (
        jitsi
        and not jaas
        and PLACEHOLDER not in jitsi_secret.lower()
        and len(jitsi_secret.strip()) < JITSI_SECRET_MIN_LENGTH
    ):
        problems.append(
            f"JITSI_APP_SECRET is too short: it signs every call's JWT, so it needs at least {JITSI_SECRET_MIN_LENGTH} "
            "random characters, the same as the Jitsi server's app_secret."
        )
    keys = [key.strip() for key in environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if key.strip()]
    if PLACEHOLDER not in environ.get("FIELD_ENCRYPTION_KEYS", "").lower():
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                problems.append(
                    f"FIELD_ENCRYPTION_KEYS: key number {position} is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes; make keys prints one)."
                )
    return problems


def is_rsa_private_key(text: str) -> bool:
    """Whether the text (line breaks real or written \\n, as settings.py reads it) is an unencrypted RSA key."""
    try:
        key = serialization.load_pem_private_key(text.replace("\\n", "\n").strip().encode(), password=None)
    except (ValueError, TypeError):
        return False
    return isinstance(key, rsa.RSAPrivateKey)
