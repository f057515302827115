"""Settings for the app servers the fault drills start as subprocesses: the production settings, unchanged,
except that static files are served from the app folders (nothing is collected for a test run).

The servers run with DJANGO_DEBUG=false, so error pages are the production ones (no traceback).
"""

from peersupport.settings import *  # noqa: F403
from peersupport.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
