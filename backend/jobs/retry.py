"""When a job's task should try again: the errors that pass (the database went away, another
worker holds the job), how long to wait before the next try, and the task body that does it."""

import logging
import random
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError

from backend.jobs.models import Job
from backend.jobs.runner import JobBusy

logger = logging.getLogger("dangjian.jobs")

TRANSIENT = (OperationalError, InterfaceError, JobBusy)


def backoff_seconds(retries: int, *, cap: float = 600.0) -> float:
    """5 s, 10 s, 20 s … capped at `cap`, each with up to 50 % jitter, so retries of many jobs
    that failed together do not arrive together."""
    base = min(cap, 5.0 * 2**retries)
    return base + random.uniform(0, base / 2)  # jitter, not a secret


def run_or_retry(
    task: Any, job_id: int, run: Callable[[], Job], *, fail: Callable[[int, str], None], what: str
) -> str:
    """A job task's body: run the job; on a transient error retry with backoff up to the task's
    max_retries, then fail it; on any other error fail it at once. The reason names the
    exception's class only: its text may hold data from the user's file or rows. `what` names
    the work in Chinese (导入, 导出)."""
    try:
        return str(run().state)
    except TRANSIENT as exc:
        if task.request.retries >= task.max_retries:
            fail(job_id, f"{what}时数据库暂时不可用，请稍后重新{what}。")
            raise
        raise task.retry(exc=exc, countdown=backoff_seconds(task.request.retries)) from exc
    except Exception as exc:
        logger.error("job %s (%s) failed: %s", job_id, what, type(exc).__name__)
        fail(job_id, f"{what}出错（{type(exc).__name__}），请重新{what}。")
        raise
