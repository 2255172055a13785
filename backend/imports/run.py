"""Running an import job in a worker.

The file is read once, in batches: each batch's cells are parsed by their columns, the kind checks
the rows that parsed, and — unless this is a dry run, or an all-or-nothing import has already met
a bad row — writes the rows that passed. Everything happens in one transaction, so an
all-or-nothing import with a bad row, a failure or a killed worker leaves the database as it was.
Progress goes through a side connection (jobs.progress) so it can be read while the transaction is
open. The issues, the report file and the audit entry are written after the transaction ends."""

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction

from backend.access.scopes import access_for_user
from backend.audit.services import audit_record
from backend.files.models import StoredFile
from backend.files.services import stored_file_local_copy
from backend.imports.intake import FileRefused, inspect_upload
from backend.imports.kinds import KINDS
from backend.imports.kinds.common import WriteConflict
from backend.imports.models import ImportIssue, ImportMode
from backend.imports.reading import RowSource, cell_text, open_rows, reported_value
from backend.imports.report import report_save
from backend.imports.spec import (
    Cell,
    CellInvalid,
    Column,
    ImportContext,
    ImportKind,
    ParsedRow,
    RowIssue,
    WriteCounts,
)
from backend.jobs.models import Job
from backend.jobs.progress import JobProgress
from backend.jobs.runner import job_held
from backend.jobs.services import job_fail, job_start, job_succeed

logger = logging.getLogger("dangjian.imports")


class ImportAborted(Exception):
    """The file as a whole cannot be imported (refused, or a required column is missing)."""


@dataclass
class Tally:
    read: int = 0
    invalid: int = 0
    written: WriteCounts = field(default_factory=WriteCounts)
    issues: list[RowIssue] = field(default_factory=list)
    issue_count: int = 0

    def add_issues(self, found: Sequence[RowIssue]) -> None:
        self.issue_count += len(found)
        room = settings.DANGJIAN_IMPORT_MAX_ISSUES - len(self.issues)
        self.issues.extend(found[: max(room, 0)])

    def as_result(self, *, committed: bool, phase: str) -> dict[str, Any]:
        return {
            "phase": phase,
            "read": self.read,
            "valid": self.read - self.invalid,
            "invalid": self.invalid,
            "created": self.written.created,
            "updated": self.written.updated,
            "unchanged": self.written.unchanged,
            "issues": self.issue_count,
            "committed": committed,
        }


def parse_row(
    number: int, cells: dict[str, Cell], columns: Sequence[Column]
) -> tuple[ParsedRow, list[RowIssue]]:
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}
    issues = []
    for column in columns:
        cell = cells.get(column.key)
        raw[column.key] = cell_text(cell)
        if cell is None:
            values[column.key] = None
            if column.required:
                issues.append(
                    RowIssue(number, column.header, "", "REQUIRED", f"请填写{column.header}。")
                )
            continue
        try:
            values[column.key] = column.parse(cell)
        except CellInvalid as exc:
            values[column.key] = None
            shown = reported_value(column, raw[column.key])[:200]
            issues.append(RowIssue(number, column.header, shown, exc.code, exc.message))
    return ParsedRow(number, values, raw), issues


def _batches(source: RowSource, size: int) -> Iterator[list[tuple[int, dict[str, Cell]]]]:
    rows = source.rows()
    while batch := list(islice(rows, size)):
        yield batch


def _header_issues(source: RowSource, kind: ImportKind) -> None:
    if source.missing_required:
        raise ImportAborted(
            "缺少必填列：" + "、".join(source.missing_required) + "。请使用导入模板的表头。"
        )


class ImportRun:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.kind: ImportKind = KINDS[job.kind.removeprefix("imports.")]
        self.dry_run = bool(job.params["dry_run"])
        self.skip_bad = job.params["mode"] == ImportMode.SKIP_BAD_ROWS
        self.tally = Tally()
        # Scope is the requester's grants as they are now, not when the file was uploaded.
        self.user = job.requested_by
        self.ctx = ImportContext(
            access=access_for_user(self.user),
            user_id=job.requested_by_id,
            today=date.today(),
            dry_run=self.dry_run,
        )

    def writing(self) -> bool:
        return not self.dry_run and (self.skip_bad or self.tally.invalid == 0)

    def batch(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        parsed: list[ParsedRow] = []
        bad: set[int] = set()
        found: list[RowIssue] = []
        for number, cells in rows:
            row, issues = parse_row(number, cells, self.kind.columns)
            parsed.append(row)
            if issues:
                bad.add(number)
                found.extend(issues)
        checked = [row for row in parsed if row.number not in bad]
        for issue in self.kind.check(checked, self.ctx):
            bad.add(issue.row)
            found.append(issue)
        found.sort(key=lambda issue: issue.row)
        self.tally.read += len(rows)
        self.tally.invalid += len(bad)
        self.tally.add_issues(found)
        if self.writing():
            good = [row for row in checked if row.number not in bad]
            if good:
                self.tally.written = self.tally.written + self.kind.write(good, self.ctx)

    def run(self, source: RowSource, progress: JobProgress) -> bool:
        """Process every row; True when the writes were committed."""
        _header_issues(source, self.kind)
        self.ctx.file_columns = frozenset(source.columns)
        total = source.estimated_rows
        with transaction.atomic():
            for rows in _batches(source, self.kind.batch_size):
                self.batch(rows)
                progress.report(
                    done=self.tally.read,
                    total=total,
                    label=f"已读取 {self.tally.read} 行",
                    result=self.tally.as_result(committed=False, phase="reading"),
                )
            progress.report(
                done=self.tally.read,
                total=self.tally.read,
                label="写入中" if self.writing() else "校验完成",
                result=self.tally.as_result(committed=False, phase="finishing"),
                force=True,
            )
            committed = self.writing() and self.tally.read > self.tally.invalid
            if not committed:
                transaction.set_rollback(True)
        return committed


def import_run(job_id: int) -> Job:
    """Run the import job to its end: succeeded (with its counts, issues and report) or failed
    with a reason. A job already finished is returned as it is (a late redelivery); one another
    worker holds raises JobBusy."""
    with job_held(job_id):
        return _import_run(job_id)


def _import_run(job_id: int) -> Job:
    job = Job.objects.get(pk=job_id)
    if job.state not in ("queued", "running"):
        return job
    job_start(job_id, steps_total=0, label="读取文件")
    run = ImportRun(job)
    stored = StoredFile.objects.filter(pk=job.params["file_id"]).first()
    if stored is None:
        job_fail(job_id, "上传的文件已过期，请重新上传。")
        return Job.objects.get(pk=job_id)
    try:
        with stored_file_local_copy(stored) as path:
            file_format = inspect_upload(path, job.params["file_name"])
            with (
                open_rows(path, file_format, run.kind.columns) as source,
                JobProgress(job_id) as progress,
            ):
                committed = run.run(source, progress)
            report_id = _issues_save(run, path, file_format) if run.tally.issues else None
    except (FileRefused, ImportAborted, WriteConflict) as exc:
        reason = str(exc) if isinstance(exc, ImportAborted) else exc.message
        job_fail(job_id, reason)
        _audit(run, result="failed", reason=reason)
        return Job.objects.get(pk=job_id)
    result = run.tally.as_result(committed=committed, phase="done")
    if report_id is not None:
        result["report_file_id"] = report_id
    job_succeed(job_id, result)
    _audit(run, result="ok", reason="")
    return Job.objects.get(pk=job_id)


def _issues_save(run: ImportRun, path: Any, file_format: Any) -> int:
    ImportIssue.objects.bulk_create(
        (
            ImportIssue(
                job_id=run.job.pk,
                row=issue.row,
                column=issue.column[:100],
                value=issue.value[:200],
                code=issue.code[:40],
                message=issue.message[:300],
            )
            for issue in run.tally.issues
        ),
        batch_size=2000,
    )
    return report_save(run.job, run.kind, path, file_format, run.tally.issues, owner=run.user)


def _audit(run: ImportRun, *, result: str, reason: str) -> None:
    audit_record(
        action=f"import.{run.kind.code}",
        target=run.job,
        actor=run.user,
        detail={
            "file": run.job.params["file_name"],
            "dry_run": run.dry_run,
            "mode": run.job.params["mode"],
            **{
                key: value
                for key, value in run.tally.as_result(committed=False, phase="").items()
                if key not in ("phase", "committed")
            },
        },
        result=result,
        reason=reason,
    )
