"""An import in a real worker: killed in the middle, its task is delivered again and the import
ends with every row written exactly once.

Committed data (tests.support.committed_db) so the worker sees it; the test removes what it
wrote. The kill lands mid-import deterministically: another session holds a lock on the members
table, so the worker starts the job (and commits that it runs) and then waits in its checks."""

import csv
import io
import os
import signal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.files.models import StoredFile
from backend.imports import samples
from backend.imports.models import ImportIssue
from backend.imports.services import import_request
from backend.jobs.models import Job, JobState
from backend.members.models import Member
from backend.members.personal_data import id_number_hash
from tenants.context import in_district
from tests.support.committed_db import db  # noqa: F401 (the fixture)
from tests.support.server import database_url
from tests.support.worker import wait_for

pytestmark = pytest.mark.usefixtures("db")

ROWS = 40


def _job(job_id: int) -> Job:
    with in_district("alpha"):
        return Job.objects.get(pk=job_id)


def _roster() -> tuple[bytes, list[str]]:
    with in_district("alpha"):
        codes = samples.member_org_codes()
    rows = list(samples.roster_rows(codes, rows=ROWS, seed=91))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(samples.HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode(), [id_number_hash(row[1]) for row in rows]


def test_a_worker_killed_mid_import_writes_every_row_once(worker: Any) -> None:
    content, hashes = _roster()
    locker = psycopg.connect(database_url())
    job_id = None
    try:
        locker.execute("LOCK TABLE district_alpha.members_member IN ACCESS EXCLUSIVE MODE")
        with in_district("alpha"):
            job = import_request(
                kind_code="members",
                upload=SimpleUploadedFile("kill.csv", content, "text/csv"),
                dry_run=False,
                mode="all_or_nothing",
                user=get_user_model().objects.get(username="admin"),
            ).job  # committed at once here, so it is enqueued at once
        job_id = job.pk
        wait_for(
            lambda: _job(job.pk).state == JobState.RUNNING,
            seconds=60,
            what="the worker to start the import",
            log=worker.log,
        )
        child_pid = int(_job(job.pk).worker.rsplit(":", 1)[1])
        assert child_pid != worker.pid, "the task runs in a pool process, not the main one"
        os.kill(child_pid, signal.SIGKILL)
        wait_for(
            lambda: b"WorkerLostError" in Path(worker.log).read_bytes(),
            seconds=30,
            what="the worker to notice the lost process",
            log=worker.log,
        )
        # Asked through the lock holder: any other session would wait for the lock too.
        written = locker.execute(
            "SELECT count(*) FROM district_alpha.members_member WHERE id_number_hash = ANY(%s)",
            [hashes],
        ).fetchone()
        assert written == (0,)
    finally:
        locker.rollback()
        locker.close()

    try:
        wait_for(
            lambda: _job(job.pk).state in (JobState.SUCCEEDED, JobState.FAILED),
            seconds=120,
            what="the redelivered task to finish",
            log=worker.log,
        )
        finished = _job(job.pk)
        assert finished.state == JobState.SUCCEEDED, finished.error
        assert finished.attempts >= 2  # the killed run and the one that finished
        assert (finished.result["committed"], finished.result["created"]) == (True, ROWS)
        with in_district("alpha"):
            assert Member.objects.filter(id_number_hash__in=hashes).count() == ROWS
    finally:
        with in_district("alpha"):
            Member.objects.filter(id_number_hash__in=hashes).delete()
            if job_id is not None:
                done = Job.objects.get(pk=job_id)
                ImportIssue.objects.filter(job_id=job_id).delete()
                StoredFile.objects.filter(pk=done.params["file_id"]).delete()
                done.delete()
