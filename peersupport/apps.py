from django.apps import AppConfig


class PeerSupportConfig(AppConfig):
    name = "peersupport"
    verbose_name = "Peer Support"

    def ready(self) -> None:
        from peersupport import (
            checks,  # noqa: F401  (registers the system checks)
            log_redaction,
        )

        log_redaction.install()
