"""System checks for configuration that would put members at risk."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from core.crypto import InvalidKeyConfiguration, build_multifernet
from peersupport.production import is_rsa_private_key


@register(Tags.security, deploy=True)
def check_encryption_keys(app_configs, **kwargs):
    """Production must not run on the generated development key, and every key must be valid."""
    problems = []
    try:
        build_multifernet(settings.FIELD_ENCRYPTION_KEYS)
    except InvalidKeyConfiguration as exc:
        problems.append(Error(str(exc), id="peersupport.E001"))
    if settings.USING_DEV_ENCRYPTION_KEY and not settings.DEBUG:
        problems.append(Error("FIELD_ENCRYPTION_KEYS must be set in production.", id="peersupport.E002"))
    return problems


@register(Tags.security, deploy=True)
def check_debug_with_public_host(app_configs, **kwargs):
    """DEBUG pages show settings and tracebacks: never on a host the public can reach."""
    local = {"127.0.0.1", "localhost", "[::1]", "testserver"}
    public = [host for host in settings.ALLOWED_HOSTS if host not in local]
    if settings.DEBUG and public:
        return [
            Warning(
                f"DEBUG is on while ALLOWED_HOSTS names public hosts ({', '.join(public)}).",
                hint="Set DJANGO_DEBUG=false for any deployment.",
                id="peersupport.W001",
            )
        ]
    return []


@register(Tags.security)
def check_video_provider(app_configs, **kwargs):
    """An embedded call without its server's address or key pair would fail at the first join: say so at start."""
    if settings.VIDEO_PROVIDER == "livekit" and not (
        settings.LIVEKIT_URL and settings.LIVEKIT_API_KEY and settings.LIVEKIT_API_SECRET
    ):
        return [
            Error(
                "VIDEO_PROVIDER=livekit needs LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.",
                hint="See docs/video.md.",
                id="peersupport.E010",
            )
        ]
    if settings.VIDEO_PROVIDER == "jitsi":
        problem = _jitsi_problem()
        if problem:
            return [Error(problem, hint="See docs/video.md.", id="peersupport.E011")]
    return []


def _jitsi_problem() -> str:
    """What is missing for Jitsi: 8x8 JaaS when its app id is set, a self-hosted server otherwise ("" if nothing)."""
    if settings.JITSI_JAAS_APP_ID:
        if not (settings.JITSI_JAAS_KEY_ID and settings.JITSI_JAAS_PRIVATE_KEY):
            return "JaaS (JITSI_JAAS_APP_ID set) needs JITSI_JAAS_KEY_ID and JITSI_JAAS_PRIVATE_KEY too."
        if not is_rsa_private_key(settings.JITSI_JAAS_PRIVATE_KEY):
            return "JITSI_JAAS_PRIVATE_KEY is not an RSA private key in PEM form (the key the JaaS console downloaded)."
        return ""
    if not (settings.JITSI_DOMAIN and settings.JITSI_APP_ID and settings.JITSI_APP_SECRET):
        return "VIDEO_PROVIDER=jitsi needs JITSI_DOMAIN, JITSI_APP_ID and JITSI_APP_SECRET (or the JaaS settings)."
    return ""
