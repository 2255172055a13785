"""The test session's own Celery broker: kombu's filesystem transport in a private folder.

Whatever the environment says, tasks the tests enqueue (in-process, from the test gunicorn, or
from a test worker) go there and nowhere else, so a developer's `make run` worker never picks up a
test's message (it would run it against the development database), and a test worker never picks
up theirs."""

import os
import shutil
import tempfile
from pathlib import Path

from backend.config.celery import app

FOLDERS = ("celery-queue", "celery-processed", "celery-control")


def use_private_broker() -> Path:
    """Point this process and every subprocess started after it at a fresh private folder."""
    base = Path(tempfile.mkdtemp(prefix="dangjian-test-broker-"))
    for folder in FOLDERS:
        (base / folder).mkdir()
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_FILESYSTEM_DIR"] = str(base)
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = {
        "data_folder_in": str(base / "celery-queue"),
        "data_folder_out": str(base / "celery-queue"),
        "processed_folder": str(base / "celery-processed"),
        "control_folder": str(base / "celery-control"),
        "store_processed": False,
    }
    return base


def purge_queue() -> int:
    """Drop every message waiting in the private queue; returns how many."""
    queue = Path(os.environ["CELERY_FILESYSTEM_DIR"]) / "celery-queue"
    dropped = 0
    for message in queue.iterdir():
        message.unlink(missing_ok=True)
        dropped += 1
    return dropped


def remove_private_broker(base: Path) -> None:
    shutil.rmtree(base, ignore_errors=True)
