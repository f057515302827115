from django.apps import AppConfig


class GroupSessionsConfig(AppConfig):
    # "sessions" is taken by django.contrib.sessions: the label is the table prefix and must never change.
    name = "sessions"
    label = "group_sessions"
    verbose_name = "Group sessions"
