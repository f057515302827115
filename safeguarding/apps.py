from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        from safeguarding import datarights_services, suitability

        datarights_services._connect_download_signal()
        suitability._connect_appointment_signal()
