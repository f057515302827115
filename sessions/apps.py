from django.apps import AppConfig


class GroupSessionsConfig(AppConfig):
    # "sessions" is taken by django.contrib.sessions: the label is the table prefix and must never change.
    name = "sessions"
    label = "group_sessions"
    verbose_name = "Group sessions"

    def ready(self) -> None:
        # The video call (sessions/call.py): its removal signal, its Celery tasks, and its room actions.
        from sessions import call, receivers  # noqa: F401  (receivers: safeguarding's signals)
        from sessions.room import (
            dispatch,
            private_word,
            welfare,  # noqa: F401  (the welfare prompts' beat task)
        )

        dispatch.HANDLERS.update(call.HANDLERS)
        dispatch.HANDLERS.update(private_word.HANDLERS)  # a word in private, and its removal and end receivers
