"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets are checked against ALLOWED_HOSTS (Origin) and authenticated from the Django
session cookie before any consumer sees them.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from peersupport.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Everything loaded by now lives as long as the process. Freezing it keeps it out of the garbage collector's
# full sweeps, which otherwise walk all of Django each time: pauses of 100-170 ms that every request and
# socket in the process waits through (docs/performance.md: the pages' p95).
gc.freeze()
