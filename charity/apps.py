from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "charity"
    verbose_name = "The charity"
