"""One finished import in each seeded district, with one issue, for the canary matrix
(isolation_cases.py): its district admin's, a dry run whose report has expired (no file)."""

from backend.accounts.models import User
from backend.imports.models import ImportIssue
from backend.jobs.models import Job, JobState
from tests.support.seed import SeededDistrict


def seed(seeded: SeededDistrict) -> dict[str, int]:
    job = Job.objects.create(
        kind="imports.members",
        dedupe_key=seeded.canary,
        params={
            "file_id": 0,
            "file_name": f"{seeded.canary}.xlsx",
            "format": "xlsx",
            "checksum": seeded.canary,
            "dry_run": True,
            "mode": "all_or_nothing",
        },
        state=JobState.SUCCEEDED,
        steps_total=2,
        steps_done=2,
        result={"read": 2, "valid": 1, "invalid": 1, "issues": 1, "committed": False},
        requested_by=User.objects.get(username="admin"),
    )
    issue = ImportIssue.objects.create(
        job=job,
        row=3,
        column="姓名",
        value="",
        code="REQUIRED",
        message=f"{seeded.canary}请填写姓名。",
    )
    return {"ImportJob": job.pk, "ImportIssue": issue.pk}
