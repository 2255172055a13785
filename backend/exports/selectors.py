"""Reads of export jobs and their files."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backend.exports.services import KIND_PREFIX
from backend.files.models import StoredFile
from backend.jobs.models import Job, JobState


def export_jobs(user: Any) -> QuerySet[Job]:
    """The user's own exports, newest first: nobody else's, whatever their role (an export may
    hold full ID numbers, and its file is theirs)."""
    if getattr(user, "pk", None) is None:
        return Job.objects.none()
    return Job.objects.filter(kind__startswith=KIND_PREFIX, requested_by_id=user.pk).order_by(
        "-created_at", "-id"
    )


def export_file(job: Job) -> StoredFile | None:
    """The finished export's file, while it has not expired."""
    file_id = job.result.get("file_id") if job.state == JobState.SUCCEEDED else None
    if file_id is None:
        return None
    return (
        StoredFile.objects.filter(pk=file_id, expires_at__gt=timezone.now())
        .only("id", "name", "size", "expires_at")
        .first()
    )
