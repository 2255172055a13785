"""Progress reported from inside a long transaction.

A job whose work must commit or roll back as one transaction (an all-or-nothing import) cannot
commit its progress on its own connection: nobody would see it until the end. JobProgress writes
through a second, autocommitting connection to the same database and schema, at most every
`interval` seconds. The job row must be committed before the work's transaction starts and must
not be updated by the work's connection while it runs (the two would wait on each other)."""

import time
from types import TracebackType
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from tenants.context import side_connection


class JobProgress:
    def __init__(self, job_id: int, *, interval: float = 0.5) -> None:
        self.job_id = job_id
        self.interval = interval
        self._last = 0.0
        self._conn: psycopg.Connection[Any] | None = None

    def __enter__(self) -> "JobProgress":
        self._conn = side_connection()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def report(
        self, *, done: int, total: int, label: str, result: dict[str, Any], force: bool = False
    ) -> None:
        """Set steps_done/steps_total (total grows to cover done: estimates can be low), the
        step label and the result so far."""
        now = time.monotonic()
        if self._conn is None or (not force and now - self._last < self.interval):
            return
        self._last = now
        self._conn.execute(
            "UPDATE jobs_job SET steps_done = %s, steps_total = %s, step_label = %s, result = %s"
            " WHERE id = %s",
            [done, max(total, done), label[:200], Jsonb(result), self.job_id],
        )
