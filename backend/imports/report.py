"""The downloadable error report: the uploaded rows again, with an error column, kept as a stored
file for the user who imported."""

import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from backend.files.services import stored_file_save
from backend.imports.error_report import error_report_workbook
from backend.imports.intake import FileFormat
from backend.imports.spec import ImportKind, RowIssue
from backend.jobs.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_file_name(job: Job) -> str:
    stem = Path(str(job.params.get("file_name", "import"))).stem[:120]
    return f"{stem}-错误报告.xlsx"


def report_save(
    job: Job,
    kind: ImportKind,
    path: Path,
    file_format: FileFormat,
    issues: Sequence[RowIssue],
    *,
    owner: Any,
) -> int:
    with tempfile.TemporaryFile(prefix="dangjian-report-") as out:
        error_report_workbook(path, file_format, kind.columns, issues, out)
        out.seek(0)
        stored = stored_file_save(
            source=out,
            name=report_file_name(job),
            content_type=XLSX,
            purpose="import_report",
            owner=owner,
            ttl=timedelta(days=settings.DANGJIAN_IMPORT_KEEP_DAYS),
        )
    return stored.pk
