from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The base layer: the parts every app uses and that import no other app of ours (docs/architecture.md)."""

    name = "core"
    verbose_name = "Audit trail and shared records"
