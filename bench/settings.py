"""Settings for the benchmark's server processes: the production settings, unchanged but for static files.

Everything comes from peersupport/settings.py and the environment the runner sets (DJANGO_DEBUG=false,
PostgreSQL, Redis, CHANNEL_LAYER, DB_POOL), so the figures are the production configuration's. Static
files are not collected for a run, so templates resolve `{% static %}` without the manifest (a dictionary
lookup either way; the pages measured never serve static files).
"""

from peersupport.settings import *  # noqa: F403
from peersupport.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None  # nothing collected: whitenoise would warn about the missing folder on every start
WHITENOISE_USE_FINDERS = True
