from django.apps import AppConfig


class CareConfig(AppConfig):
    """What happens after the room closes: follow-ups and conversations between a member and the leaders."""

    name = "care"
    verbose_name = "Follow-ups and conversations"

    def ready(self) -> None:
        from care import conversations, receivers  # noqa: F401  (receivers: the sessions app's signals;
        # conversations: the retention purge's beat task)
