from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Wellbeing: crisis help, safety plans, debriefs"

    def ready(self) -> None:
        from wellbeing.checkin import receivers  # noqa: F401 - the monthly check-in's step before the room
