"""Metrics (backend/metrics): when the nightly recompute runs.

DANGJIAN_METRICS_NIGHTLY_HOUR   the hour (Asia/Shanghai) of the nightly recompute of the current
                                month, quarter and year in every district; default 2.
"""

from celery.schedules import crontab

from backend.config.env import env_int

__all__ = ["METRICS_BEAT_SCHEDULE"]

METRICS_BEAT_SCHEDULE = {
    # One dispatcher on the platform sends one recompute per district (metrics.tasks).
    "metrics-nightly-recompute": {
        "task": "metrics.nightly_everywhere",
        "schedule": crontab(hour=env_int("DANGJIAN_METRICS_NIGHTLY_HOUR", 2), minute=7),
    },
}
