"""Settings for the app servers the fault drills start as subprocesses: the production settings, unchanged,
except that static files are served from the app folders (nothing is collected for a test run), and
that the test suite's fast password hashes (MD5, tests/fixtures/factories.py's users) can be checked.

The servers run with DJANGO_DEBUG=false, so error pages are the production ones (no traceback).
DRILL_NO_HEALTH_CHECKS=1 turns off CONN_HEALTH_CHECKS (and with it the connection pool's check): only for
the positive controls of the PostgreSQL restart drill, which show what the setting protects against.
"""

import os

from django.conf import global_settings

from peersupport.settings import *  # noqa: F403
from peersupport.settings import DATABASES, STORAGES

PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

if os.environ.get("DRILL_NO_HEALTH_CHECKS") == "1":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
