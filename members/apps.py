from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from members import signals  # noqa: F401  (closes live sockets on sign-out and deactivation)
        from members.roles import sync_trustees_group

        post_migrate.connect(sync_trustees_group, dispatch_uid="members.sync_trustees_group")
