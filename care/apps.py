from django.apps import AppConfig


class CareConfig(AppConfig):
    """What happens after the room closes: follow-ups and conversations between a member and the leaders."""

    name = "care"
    verbose_name = "Follow-ups and conversations"

    def ready(self) -> None:
        from care import receivers  # noqa: F401  (connects to the sessions app's signals)
