"""A real Celery worker (prefork, as in production) serving the test database and the session's
private broker (tests.support.broker), for tests of what happens to tasks in a worker."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.support.broker import purge_queue
from tests.support.server import database_url


@contextmanager
def running_worker(log_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    purge_queue()  # messages other tests left for no worker must not run now
    log = log_dir / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "DANGJIAN_ENV": "test"}
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=info",
                "-n",
                name,
            ],
            env=env,
            cwd=str(settings.BASE_DIR),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        process.log = log  # type: ignore[attr-defined]
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for(predicate: object, *, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            tail = log.read_text()[-4000:] if log else ""
            raise AssertionError(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def worker(django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real worker for one test module (import this fixture into the module). Not for the
    session: it would run the jobs other tests enqueue while they run them in-process."""
    with running_worker(tmp_path_factory.mktemp("worker")) as process:
        yield process
