from pathlib import Path

from backend.config.env import env, env_int
from backend.config.settings.audit import AUDIT_BEAT_SCHEDULE
from backend.config.settings.base import VAR_DIR
from backend.config.settings.files import FILES_BEAT_SCHEDULE
from backend.config.settings.metrics import METRICS_BEAT_SCHEDULE

# Without a broker URL the demo uses kombu's filesystem transport, so `make run` needs no server;
# its folders live under CELERY_FILESYSTEM_DIR (default var/).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _base = Path(env("CELERY_FILESYSTEM_DIR", str(VAR_DIR)))
    for _folder in ("celery-queue", "celery-processed", "celery-control"):
        (_base / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_base / "celery-queue"),
        "data_folder_out": str(_base / "celery-queue"),
        "processed_folder": str(_base / "celery-processed"),
        "control_folder": str(_base / "celery-control"),
        "store_processed": False,
    }
else:
    # Longer than any task or countdown, so Redis never redelivers a task still running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 4 * 3600)
    }
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Each concern keeps its own schedule (settings.audit, settings.metrics, settings.files); beat
# runs them all.
CELERY_BEAT_SCHEDULE = {**AUDIT_BEAT_SCHEDULE, **METRICS_BEAT_SCHEDULE, **FILES_BEAT_SCHEDULE}
