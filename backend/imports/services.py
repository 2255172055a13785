"""Asking for an import: the upload is checked before anything parses it, kept as a stored file,
and handed to a worker as a job. The same file submitted again returns the earlier job."""

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from backend.audit.services import audit_record
from backend.common.validation import FieldError, ValidationFailed
from backend.files.models import StoredFile
from backend.files.services import stored_file_save
from backend.imports.intake import FileRefused, inspect_upload
from backend.imports.kinds import KINDS
from backend.imports.models import ImportMode
from backend.imports.report import XLSX
from backend.imports.templates import template_workbook
from backend.jobs.models import Job, JobState
from backend.jobs.services import job_request

KIND_PREFIX = "imports."
FILE_PURPOSE = "import"
REPORT_PURPOSE = "import_report"
_COPY_CHUNK = 1 << 20


def job_kind(kind_code: str) -> str:
    return f"{KIND_PREFIX}{kind_code}"


@dataclass(frozen=True)
class ImportRequested:
    job: Job
    created: bool
    duplicate: bool  # the same file was already imported: `job` is that import


def _refused(exc: FileRefused) -> ValidationFailed:
    return ValidationFailed([FieldError("file", exc.code, exc.message)])


@contextmanager
def _spooled(upload: UploadedFile) -> Iterator[tuple[Path, str]]:
    """The upload as a local file and its SHA-256, read once in chunks."""
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(prefix="dangjian-import-", suffix=".upload") as spool:
        for chunk in upload.chunks(_COPY_CHUNK):
            digest.update(chunk)
            spool.write(chunk)
        spool.flush()
        yield Path(spool.name), digest.hexdigest()


def _earlier_import(kind: str, checksum: str) -> Job | None:
    """A committed import of the same kind and the same bytes: submitting it again is a double
    submit. Dry runs and imports that committed nothing do not count."""
    return (
        Job.objects.filter(
            kind=kind,
            state=JobState.SUCCEEDED,
            params__checksum=checksum,
            params__dry_run=False,
            result__committed=True,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def import_request(
    *, kind_code: str, upload: UploadedFile, dry_run: bool, mode: str, user: Any
) -> ImportRequested:
    if kind_code not in KINDS:
        raise ValidationFailed([FieldError("kind", "INVALID", "未知的导入类型。")])
    if mode not in ImportMode.values:
        raise ValidationFailed([FieldError("mode", "INVALID", "未知的导入方式。")])
    if upload.size is not None and upload.size > settings.DANGJIAN_IMPORT_MAX_BYTES:
        raise _refused(FileRefused("TOO_LARGE", _too_large_message()))
    name = (upload.name or "upload")[-200:]
    kind = job_kind(kind_code)
    with _spooled(upload) as (path, checksum):
        try:
            file_format = inspect_upload(path, name)
        except FileRefused as exc:
            audit_record(
                action="import.refused",
                detail={"kind": kind_code, "file": name, "code": exc.code},
                result="refused",
                reason=exc.code,
            )
            raise _refused(exc) from None
        if not dry_run:
            earlier = _earlier_import(kind, checksum)
            if earlier is not None:
                return ImportRequested(earlier, created=False, duplicate=True)
        with path.open("rb") as source:
            stored = stored_file_save(
                source=source,
                name=name,
                content_type=upload.content_type or "application/octet-stream",
                purpose=FILE_PURPOSE,
                owner=user,
                ttl=timedelta(days=settings.DANGJIAN_IMPORT_KEEP_DAYS),
            )
    job, created = job_request(
        kind=kind,
        dedupe_key=f"{getattr(user, 'pk', '')}:{checksum}:{int(dry_run)}:{mode}",
        params={
            "file_id": stored.pk,
            "file_name": name,
            "format": str(file_format),
            "checksum": checksum,
            "dry_run": dry_run,
            "mode": mode,
        },
        user=user,
        enqueue=_enqueue,
    )
    if not created:
        StoredFile.objects.filter(pk=stored.pk).delete()  # the active job has its own copy
    else:
        audit_record(
            action=f"import.{kind_code}.request",
            target=job,
            detail={"file": name, "dry_run": dry_run, "mode": mode, "bytes": stored.size},
        )
    return ImportRequested(job, created=created, duplicate=False)


def _too_large_message() -> str:
    megabytes = settings.DANGJIAN_IMPORT_MAX_BYTES // (1 << 20)
    return f"文件超过 {megabytes} MB，请拆分后分批导入。"


def _enqueue(job: Job) -> object:
    from backend.imports.tasks import run_import

    return run_import.delay(job.pk)


def template_file(kind_code: str, user: Any) -> StoredFile:
    """The kind's blank template as a short-lived stored file for `user` to download."""
    kind = KINDS[kind_code]
    content = template_workbook(kind.label, kind.columns)
    return stored_file_save(
        source=iter([content]),
        name=f"{kind.label}导入模板.xlsx",
        content_type=XLSX,
        purpose="import_template",
        owner=user,
        ttl=timedelta(seconds=settings.DANGJIAN_DOWNLOAD_LINK_TTL),
    )
