from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        from safeguarding import removals, retention, suitability  # noqa: F401 - their beat tasks register here

        suitability._connect_appointment_signal()
