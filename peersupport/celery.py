"""Celery application: configured from Django settings (CELERY_*), tasks autodiscovered from the apps.

Tasks are OutboxTasks: `delay_on_commit` keeps a task in the database when the broker is down
(see core/outbox.py), so a Redis outage neither fails the request nor loses the work.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")

app = Celery("peersupport", task_cls="core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
