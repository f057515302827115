"""Settings for the benchmark's server processes: production settings, plus the choices a run compares.

Everything else comes from peersupport/settings.py unchanged (DJANGO_DEBUG=false, PostgreSQL, Redis),
so the figures are the production configuration's. Two differences, both for the benchmark only:

- BENCH_CHANNEL_LAYER picks the channel layer: "core" (channels_redis.core.RedisChannelLayer) or
  "pubsub" (channels_redis.pubsub.RedisPubSubChannelLayer).
- Static files are not collected for a run, so templates resolve `{% static %}` without the manifest
  (a dictionary lookup either way; the pages measured never serve static files).
"""

import os

from peersupport.settings import *  # noqa: F403
from peersupport.settings import CHANNEL_LAYERS, DATABASES, REDIS_URL, STORAGES

BENCH_CHANNEL_LAYER = os.environ.get("BENCH_CHANNEL_LAYER", "")
_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "bench")

if BENCH_CHANNEL_LAYER == "core":
    CHANNEL_LAYERS = {
        "default": {
            **CHANNEL_LAYERS["default"],
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {**CHANNEL_LAYERS["default"].get("CONFIG", {}), "hosts": [REDIS_URL], "prefix": _PREFIX},
        }
    }
elif BENCH_CHANNEL_LAYER == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": _PREFIX},
        }
    }
elif BENCH_CHANNEL_LAYER:
    raise ValueError(f"BENCH_CHANNEL_LAYER must be core or pubsub, not {BENCH_CHANNEL_LAYER!r}")

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None  # nothing collected: whitenoise would warn about the missing folder on every start
WHITENOISE_USE_FINDERS = True

if os.environ.get("BENCH_DB_POOL") == "1":  # experiment: psycopg's pool (needs psycopg-pool)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10}
