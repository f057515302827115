"""video_check's one HTTP request: Jitsi's IFrame API script, fetched the way a member's browser would load it
(used by jitsi_check.py for a self-hosted server and jaas_check.py for 8x8 JaaS)."""

import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings


def fetch_iframe_api(url: str, step: Callable[[bool, str], None]) -> None:
    """One step: the IFrame API answers at `url` over HTTPS with a trusted certificate, and is Jitsi's script."""
    # Always https, built from the deployment's own settings (never a user's input): one GET, so the standard library
    # is enough (the app depends on no HTTP client of its own).
    if not url.startswith("https://"):
        raise ValueError("The IFrame API is only ever fetched over https.")
    try:
        timeout = settings.VIDEO_API_TIMEOUT_SECONDS
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  https only, above  # nosec B310
            body = response.read(2_000_000).decode("utf-8", "replace")
        step("JitsiMeetExternalAPI" in body, f"{url} answers with Jitsi's IFrame API.")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        step(False, f"{url} could not be fetched ({type(reason).__name__}): the call cannot load in the room.")
