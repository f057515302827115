"""Peer Support settings: one file, everything that differs between machines comes from the environment.

With nothing set, the app runs on the embedded default: SQLite, in-memory channel layer,
local-memory cache, eager Celery and console email. See README.md for the variables.
"""

import os
import sys
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    """Read a yes/no variable; anything but a clear yes/no is an error, not a silent False."""
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    """Read a whole-number variable, failing loudly on anything else."""
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "true")
TESTING = "pytest" in sys.modules or os.environ.get("PEERSUPPORT_TESTING") == "1"

if not DEBUG:
    # Placeholders from .env.example, short keys and broken Fernet keys stop production here, each named.
    from peersupport.production import placeholder_problems

    if _problems := placeholder_problems(os.environ):
        raise ImproperlyConfigured("Production mode refuses to start:\n  " + "\n  ".join(_problems))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set: production mode (DJANGO_DEBUG=false) needs it.")
    SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105 - DEBUG only  # nosec B105

# Fernet keys for protected fields, newest first. In development a key is generated once into
# .dev-encryption-key (git-ignored) so data survives restarts; production must set the variable.
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS", "")
USING_DEV_ENCRYPTION_KEY = False
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is not set: production mode (DJANGO_DEBUG=false) needs it.")
    from peersupport.devkeys import dev_encryption_key

    FIELD_ENCRYPTION_KEYS = [dev_encryption_key(BASE_DIR, testing=TESTING)]
    USING_DEV_ENCRYPTION_KEY = True

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's passkey list page loads it
    "channels",
    "csp",  # django-csp: its system checks catch settings in the pre-4.0 format
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",  # first of ours: the base layer (docs/architecture.md)
    "charity",
    "members",
    "groups",
    "sessions.apps.GroupSessionsConfig",
    "safeguarding",
    "wellbeing",
    "peersupport",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's middleware, opened to the video engine on the call pages; then the Permissions-Policy.
    "peersupport.middleware.ContentSecurityPolicyMiddleware",
    "peersupport.middleware.PermissionsPolicyMiddleware",
    # Above WhiteNoise, which answers static files itself: they get the frame header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "groups.middleware.RequireMFAForStaffMiddleware",
    "members.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "peersupport.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "peersupport.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peersupport.context_processors.navigation",
            ],
            # One way to write time on every page and email ("7.30 pm", "Tuesday 2 December").
            "builtins": ["core.templatetags.when"],
        },
    },
]

# Database: SQLite by default, PostgreSQL from DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "0"))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Under ASGI, persistent connections don't help (each request runs in a thread of its own), so without
    # a pool every room event opened a new PostgreSQL connection. psycopg's pool (needs psycopg-pool) hands
    # each request and socket event a ready connection; see docs/performance.md.
    if envbool("DB_POOL", "false"):
        # Our backend: Django's, with a pool that replaces all its connections after a PostgreSQL restart.
        DATABASES["default"]["ENGINE"] = "peersupport.postgresql"
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": envint("DB_POOL_MIN_SIZE", "2"),
            "max_size": envint("DB_POOL_MAX_SIZE", "10"),
            # How long a request waits for a connection before failing with the error page: short, so
            # that while PostgreSQL is down pages fail at once instead of hanging (psycopg's default is 30 s).
            "timeout": envint("DB_POOL_TIMEOUT", "3"),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: channel layer, cache and Celery broker when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
# "pubsub" (Redis pub/sub) or "core" (channels_redis' queue per process): the benchmark favours pub/sub
# (docs/performance.md), and leaders' heartbeats make up for the messages it can lose while reconnecting.
CHANNEL_LAYER = os.environ.get("CHANNEL_LAYER", "pubsub")
if CHANNEL_LAYER not in {"core", "pubsub"}:
    raise ImproperlyConfigured(f"CHANNEL_LAYER must be core or pubsub, not {CHANNEL_LAYER!r}")
if REDIS_URL:
    _layer_prefix = os.environ.get("CHANNEL_LAYER_PREFIX", "peersupport")
    if CHANNEL_LAYER == "pubsub":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": _layer_prefix},
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": _layer_prefix, "capacity": 1500, "expiry": 30},
            }
        }
    CACHES = {
        "default": {
            # Django's RedisCache, falling back to process memory while Redis is down (peersupport/cache.py).
            "BACKEND": "peersupport.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "peersupport",
            # A Redis that hangs must not hang every request with it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager in-process by default, Redis broker with REDIS_URL.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL and not os.environ.get("CELERY_BROKER_URL")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The worker and beat log through LOGGING below (one JSON line per event in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Finds sessions due a 24-hour or 1-hour reminder and queues one task per session and kind.
    "sessions-dispatch-reminders": {"task": "sessions.dispatch_due_reminders", "schedule": 300.0},
    "sessions-purge-join-tokens": {"task": "sessions.purge_join_tokens", "schedule": 3600.0},
    # Welfare prompts are the server's, on time, with or without a leader's dashboard open.
    "sessions-prompt-welfare": {"task": "sessions.prompt_welfare", "schedule": 30.0},
    # Tasks kept in the outbox while the broker was down are queued again (core/outbox.py).
    "peersupport-flush-task-outbox": {"task": "peersupport.flush_task_outbox", "schedule": 60.0},
}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# allauth: email login, mandatory verification, rate limits (login throttling), MFA.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Peer Support] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",  # a rate limit, not a password  # nosec B105
}
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
# Passkeys (WebAuthn) beside TOTP: the phishing-resistant choice for leaders and trustees.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# WebAuthn needs HTTPS, except on this machine's own address while developing and testing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING
MFA_TOTP_ISSUER = "Peer Support"
# One 30-second step either side: a phone whose clock is a little off, or a code typed just as it changes.
MFA_TOTP_TOLERANCE = 1
# Two-step secrets encrypted at rest with FIELD_ENCRYPTION_KEYS (members/mfa.py).
MFA_ADAPTER = "members.mfa.MFAAdapter"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the container health check speaks plain HTTP
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline scripts anywhere; websockets only to ourselves. The pages that
# embed the video call add the engine's origins (peersupport/middleware.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Our own wording for some of allauth's texts (locale/en_GB/LC_MESSAGES/django.po): plainer and kinder.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Whitenoise serves static files from the app folders while developing and in tests (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: console by default; SMTP when EMAIL_HOST is set; files in EMAIL_FILE_PATH (tests with a real worker).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", "587")
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Peer Support <no-reply@peersupport.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logging: to the console, as plain lines or (LOG_FORMAT=json, production) one JSON object per line with no
# personal data (peersupport/logs.py); protected data is never passed to a logger (see docs/security.md).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
# Who gets error emails ("Name <email>, Name <email>"); the emails carry no request data.
ADMINS = [(name or address, address) for name, address in getaddresses([os.environ.get("ADMINS", "")]) if address]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "peersupport.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "error_email": {"class": "peersupport.logs.ErrorEmailHandler", "level": "ERROR"},
    },
    "root": {
        "handlers": ["console", "error_email"] if ADMINS and not DEBUG else ["console"],
        "level": os.environ.get("LOG_LEVEL", "INFO"),
    },
    "loggers": {
        # Django's defaults give "django" its own handlers, AdminEmailHandler among them (it mails the
        # request's data): none here, so its records reach the root's handlers above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Request logs can carry query strings and websocket paths; keep them at warning level.
        "django.request": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

# Error reports to Sentry too when SENTRY_DSN is set: no personal data, our scrubber on every event.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN and not TESTING:
    from peersupport.logs import init_sentry

    init_sentry(SENTRY_DSN)

# Product settings.
JOIN_WINDOW_MINUTES_BEFORE = envint("JOIN_WINDOW_MINUTES_BEFORE", "15")
ROOM_MAX_TEXT_LENGTH = 2000
ROOM_MAX_FRAME_BYTES = 16 * 1024
# Threads for the room sockets' handshakes (sessions/room/consumer.py); each holds a database connection
# while it works, so keep it well under DB_POOL_MAX_SIZE.
ROOM_CONNECT_THREADS = envint("ROOM_CONNECT_THREADS", "4")
ROOM_RATE_LIMIT_EVENTS = envint("ROOM_RATE_LIMIT_EVENTS", "5")
ROOM_RATE_LIMIT_SECONDS = 1
# One person's actions in one room, over every socket and the plain-HTTP fallback (sessions/room/limit.py).
ROOM_RATE_LIMIT_PER_MINUTE = envint("ROOM_RATE_LIMIT_PER_MINUTE", "60")
RETENTION_CLOSED_CASE_DAYS = envint("RETENTION_CLOSED_CASE_DAYS", str(365 * 6))
RETENTION_ATTENDANCE_DAYS = envint("RETENTION_ATTENDANCE_DAYS", str(365 * 2))
# Where a removed member can ask for a review, and who answers safeguarding questions (shown in emails).
SAFEGUARDING_CONTACT_EMAIL = os.environ.get("SAFEGUARDING_CONTACT_EMAIL", "safeguarding@peersupport.invalid")
CELERY_BEAT_SCHEDULE["safeguarding-lift-expired-removals"] = {
    "task": "safeguarding.lift_expired_removals",
    "schedule": 60.0,  # temporary removals end within a minute of their time
}
CELERY_BEAT_SCHEDULE["safeguarding-data-rights-reminders"] = {
    "task": "safeguarding.dispatch_data_rights_reminders",
    "schedule": 60.0 * 60 * 6,  # a week before and on the day; each reminder is claimed, so sent once
}
CELERY_BEAT_SCHEDULE["safeguarding-suitability-renewals"] = {
    "task": "safeguarding.remind_suitability_renewals",
    "schedule": 60.0 * 60 * 24,  # each entry's reminder is claimed, so sent once
}
CELERY_BEAT_SCHEDULE["safeguarding-purge-expired-records"] = {
    "task": "safeguarding.purge_expired_records",
    "schedule": 60.0 * 60 * 24,
}

# After the room closes (care/): follow-ups and conversations.
INSTALLED_APPS.insert(INSTALLED_APPS.index("peersupport"), "care")
# An unclaimed follow-up: its group's leaders are emailed (once) after this many hours.
FOLLOW_UP_UNCLAIMED_HOURS = envint("FOLLOW_UP_UNCLAIMED_HOURS", "3")
# Still open this many hours after it was made: the trustees are told (once) and see it in the admin.
FOLLOW_UP_OVERDUE_HOURS = envint("FOLLOW_UP_OVERDUE_HOURS", "24")
# Conversation messages not tied to a concern or case are deleted after this many days.
CONVERSATION_RETENTION_DAYS = envint("CONVERSATION_RETENTION_DAYS", "90")
CELERY_BEAT_SCHEDULE["care-follow-up-reminders"] = {"task": "care.tasks.dispatch_follow_up_emails", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["care-purge-old-conversations"] = {
    "task": "care.tasks.purge_old_conversations",
    "schedule": 60.0 * 60 * 24,
}
# Tells a group's leaders when no leader has had an open session's dashboard open for five minutes (wellbeing/tasks.py).
CELERY_BEAT_SCHEDULE["wellbeing-check-for-leaderless-sessions"] = {
    "task": "wellbeing.check_for_leaderless_sessions",
    "schedule": 60.0,
}
# The video call (sessions/video/, docs/video.md). "link": the leaders' meeting link behind a single-use ticket
# (Zoom, Teams; the demo). "livekit": the call embedded in the room, a short-lived credential per member.
# "jitsi": Jitsi Meet with JWT (self-hosted, or 8x8 JaaS), embedded through its IFrame API, a JWT per member.
VIDEO_PROVIDER = os.environ.get("VIDEO_PROVIDER", "link").strip().lower()
if VIDEO_PROVIDER not in {"link", "livekit", "jitsi"}:
    raise ImproperlyConfigured(
        f"VIDEO_PROVIDER must be link, livekit or jitsi, not {VIDEO_PROVIDER!r} (docs/video.md)."
    )
# LiveKit: the server's address for browsers (wss://...) and its API key pair (LiveKit Cloud or self-hosted).
LIVEKIT_URL = os.environ.get("LIVEKIT_URL", "").strip()
LIVEKIT_API_KEY = os.environ.get("LIVEKIT_API_KEY", "").strip()
LIVEKIT_API_SECRET = os.environ.get("LIVEKIT_API_SECRET", "").strip()
# Jitsi: the server's host name (no scheme: the IFrame API and the call are always https), and the JWT app id and
# secret it was set up with (Prosody's app_id / app_secret).
JITSI_DOMAIN = os.environ.get("JITSI_DOMAIN", "").strip().removeprefix("https://").strip("/")
JITSI_APP_ID = os.environ.get("JITSI_APP_ID", "").strip()
JITSI_APP_SECRET = os.environ.get("JITSI_APP_SECRET", "").strip()
# 8x8 JaaS (hosted Jitsi, sessions/video/jaas.py): with VIDEO_PROVIDER=jitsi, setting the JaaS app id chooses JaaS
# over a self-hosted server (JITSI_DOMAIN and the app secret are then unused). The key id as the JaaS console shows
# it, and the private key's PEM text as downloaded; in .env it may be on one line with its line breaks written \n.
JITSI_JAAS_APP_ID = os.environ.get("JITSI_JAAS_APP_ID", "").strip()
JITSI_JAAS_KEY_ID = os.environ.get("JITSI_JAAS_KEY_ID", "").strip()
JITSI_JAAS_PRIVATE_KEY = os.environ.get("JITSI_JAAS_PRIVATE_KEY", "").replace("\\n", "\n").strip()
# 8x8's meeting domain: 8x8.vc (stage.8x8.vc is 8x8's staging service, for trying an app out).
JITSI_JAAS_DOMAIN = os.environ.get("JITSI_JAAS_DOMAIN", "8x8.vc").strip().removeprefix("https://").strip("/")
# Jitsi checks a JWT's expiry on every reconnect: it lives until the session's scheduled end plus this margin.
JITSI_TOKEN_MARGIN_SECONDS = envint("JITSI_TOKEN_MARGIN_SECONDS", "900")
# A call credential is checked at the first connect only: a short life means a removed member gets nothing new.
VIDEO_CREDENTIAL_TTL_SECONDS = envint("VIDEO_CREDENTIAL_TTL_SECONDS", "90")
# How long a moderation call to the video engine may take before the leader is told and Celery retries it.
VIDEO_API_TIMEOUT_SECONDS = envint("VIDEO_API_TIMEOUT_SECONDS", "3")
