"""The Celery app. tenant-schemas-celery stamps each task with the schema it was sent from and
runs it there, so tasks are written as if there were one district."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")

app = CeleryApp("dangjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
