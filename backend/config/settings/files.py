"""Stored files, download links and exports (backend/files, backend/exports).

DANGJIAN_DOWNLOAD_LINK_TTL   seconds a download link works after it was handed out; default
                             900 (15 minutes). A link never outlives its file.
DANGJIAN_EXPORT_TTL          seconds a finished export's file is kept before the hourly purge
                             deletes it; default 86400 (a day).
"""

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from backend.config.env import env_int

__all__ = ["DANGJIAN_DOWNLOAD_LINK_TTL", "DANGJIAN_EXPORT_TTL", "FILES_BEAT_SCHEDULE"]

DANGJIAN_DOWNLOAD_LINK_TTL = env_int("DANGJIAN_DOWNLOAD_LINK_TTL", 900)
DANGJIAN_EXPORT_TTL = env_int("DANGJIAN_EXPORT_TTL", 24 * 3600)
for _name, _value in (
    ("DANGJIAN_DOWNLOAD_LINK_TTL", DANGJIAN_DOWNLOAD_LINK_TTL),
    ("DANGJIAN_EXPORT_TTL", DANGJIAN_EXPORT_TTL),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1 second, not {_value}.")

FILES_BEAT_SCHEDULE = {
    # One dispatcher on the platform sends one purge per district (files.tasks), every hour.
    "files-purge-expired": {
        "task": "files.purge_expired_everywhere",
        "schedule": crontab(minute=41),
    },
}
