"""When a job's task should try again: the errors that pass (the database went away, another
worker holds the job) and how long to wait before the next try."""

import random

from django.db import InterfaceError, OperationalError

from backend.jobs.runner import JobBusy

TRANSIENT = (OperationalError, InterfaceError, JobBusy)


def backoff_seconds(retries: int, *, cap: float = 600.0) -> float:
    """5 s, 10 s, 20 s … capped at `cap`, each with up to 50 % jitter, so retries of many jobs
    that failed together do not arrive together."""
    base = min(cap, 5.0 * 2**retries)
    return base + random.uniform(0, base / 2)  # jitter, not a secret
