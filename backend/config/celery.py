"""The Celery application: push notifications and report generation."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.base")

app = Celery("vigia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps with subpackages keep their tasks there.
app.autodiscover_tasks(["backend.alerts.notifications", "backend.alerts.realtime"])
app.autodiscover_tasks(["backend.alerts.incidents"])
