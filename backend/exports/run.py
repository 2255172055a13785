"""Running an export job: rows streamed from the database into a temporary file, then stored.

The rows are read in one REPEATABLE READ, READ ONLY transaction through a server-side cursor
(queryset.iterator), so the file is one consistent snapshot and neither side holds more than a
chunk of rows; progress (rows written) goes out through a second connection (jobs.progress) so
it can be polled while the snapshot is open. The file, the job's success and the audit entry
commit together. Access is worked out again from the requester's grants when the job runs: a
grant revoked meanwhile stops the export.

`run_export(job_id)` is what the Celery task calls; tests call it in-process the same way."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, BinaryIO, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from backend.access.scopes import access_for_user
from backend.audit.models import AuditResult
from backend.audit.services import audit_record
from backend.exports.kinds import KINDS
from backend.exports.services import unmask_permitted
from backend.exports.spec import (
    ExportFilters,
    ExportFormat,
    ExportKind,
    ExportKindCode,
    ExportScope,
)
from backend.exports.writers import CONTENT_TYPES, open_writer
from backend.files.services import stored_file_save
from backend.jobs.models import ACTIVE_STATES, Job
from backend.jobs.progress import JobProgress
from backend.jobs.runner import job_held
from backend.jobs.services import job_fail, job_start, job_succeed
from backend.orgs.models import PartyOrg

CHUNK_ROWS = 2000  # rows per fetch from the server-side cursor
REPORT_EVERY = 500  # rows between two progress reports (which also wait 0.5 s between them)


class Progress(Protocol):
    """What write_rows reports to (jobs.progress.JobProgress in a job)."""

    def report(
        self, *, done: int, total: int, label: str, result: dict[str, Any], force: bool = False
    ) -> None: ...


class ExportRefused(Exception):
    """The job can no longer run as asked (org deleted, access revoked): it fails with this."""


def export_scope(job: Job) -> ExportScope:
    params = job.params
    user = job.requested_by
    if user is None or not user.is_active:
        raise ExportRefused("发起导出的用户已不存在或已停用。")
    access = access_for_user(user)
    within = None
    if params.get("within_org_id"):
        within = PartyOrg.objects.filter(pk=params["within_org_id"]).first()
        if within is None:
            raise ExportRefused("要导出的党组织已被删除。")
        if not access.can_read(str(within.path)):
            raise ExportRefused("您已无权查看该党组织的数据。")
    unmask = bool(params.get("unmask"))
    if unmask and not unmask_permitted(access, within):
        raise ExportRefused("您已没有导出完整身份信息的权限。")
    return ExportScope(
        access=access,
        within=within,
        unmask=unmask,
        filters=ExportFilters.from_json(params.get("filters", {})),
    )


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent read; inside a caller's transaction (a test's), that transaction."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_rows(
    kind: ExportKind,
    scope: ExportScope,
    fmt: ExportFormat,
    out: BinaryIO,
    progress: Progress | None = None,
) -> int:
    """Write the kind's rows for `scope` to `out`, reporting to `progress`; returns how many."""
    columns = kind.columns(scope)
    writer = open_writer(fmt, out, title=kind.label, columns=columns)
    label = f"正在导出{kind.label}"
    written = 0
    with _snapshot():
        rows = kind.rows(scope)
        total = 0
        if progress is not None:
            total = rows.count()
            progress.report(done=0, total=total, label=label, result={}, force=True)
        for row in rows.iterator(chunk_size=CHUNK_ROWS):
            writer.write_row([column.value(row) for column in columns])
            written += 1
            if progress is not None and written % REPORT_EVERY == 0:
                progress.report(done=written, total=total, label=label, result={})
        if progress is not None:
            progress.report(done=written, total=total, label=label, result={}, force=True)
    writer.close()
    return written


def file_name(kind: ExportKind, scope: ExportScope, fmt: ExportFormat) -> str:
    parts = [kind.label]
    if scope.within is not None:
        parts.append(scope.within.name)
    if scope.filters.period:
        parts.append(scope.filters.period)
    parts.append(timezone.localtime().strftime("%Y%m%d-%H%M"))
    if scope.unmask:
        parts.append("完整信息")
    return "-".join(parts) + f".{fmt.value}"


def _audit(job: Job, result: str, *, rows: int | None = None, reason: str = "") -> None:
    params = job.params
    detail: dict[str, Any] = {
        "kind": params.get("kind"),
        "format": params.get("format"),
        "within_org_id": params.get("within_org_id"),
        "filters": params.get("filters", {}),
        "unmask": bool(params.get("unmask")),
    }
    if rows is not None:
        detail["rows"] = rows
    audit_record(
        action="export",
        target=("ExportJob", job.pk),
        detail=detail,
        result=result,
        reason=reason,
        actor=job.requested_by,
    )


def _finish(
    job: Job, kind: ExportKind, scope: ExportScope, fmt: ExportFormat, out: BinaryIO, rows: int
) -> None:
    with transaction.atomic():
        stored = stored_file_save(
            source=out,
            name=file_name(kind, scope, fmt),
            content_type=CONTENT_TYPES[fmt],
            purpose="export",
            owner=job.requested_by,
            ttl=timedelta(seconds=int(settings.DANGJIAN_EXPORT_TTL)),
        )
        Job.objects.filter(pk=job.pk).update(
            steps_total=Greatest(F("steps_total"), rows), steps_done=rows
        )
        job_succeed(job.pk, result={"file_id": stored.pk, "rows": rows, "file_name": stored.name})
        _audit(job, AuditResult.OK, rows=rows)


def export_fail(job_id: int, reason: str) -> None:
    """Mark the job failed with a reason the requester may read, and record it."""
    job_fail(job_id, reason)
    job = Job.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is not None:
        _audit(job, AuditResult.FAILED, reason=reason)


def run_export(job_id: int) -> Job:
    """Run a queued export job to the end in this process. A job already finished is returned
    as it is (a late redelivery); one another worker holds raises JobBusy."""
    with job_held(job_id):
        job = Job.objects.select_related("requested_by").get(pk=job_id)
        if job.state not in ACTIVE_STATES:
            return job
        job_start(job_id, steps_total=0, label="正在准备导出")
        try:
            scope = export_scope(job)
        except ExportRefused as exc:
            export_fail(job_id, str(exc))
            return Job.objects.get(pk=job_id)
        kind = KINDS[ExportKindCode(job.params["kind"])]
        fmt = ExportFormat(job.params["format"])
        with tempfile.TemporaryFile(prefix="dangjian-export-") as out:
            with JobProgress(job_id) as progress:
                rows = write_rows(kind, scope, fmt, out, progress)
            out.seek(0)
            _finish(job, kind, scope, fmt, out, rows)
        return Job.objects.get(pk=job_id)
