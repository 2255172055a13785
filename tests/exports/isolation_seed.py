"""One finished export in each seeded district, for the canary matrix (isolation_cases.py): its
district admin's, with no file (its download is null)."""

from backend.accounts.models import User
from backend.jobs.models import Job, JobState
from tests.support.seed import SeededDistrict

ROWS = 5


def seed(seeded: SeededDistrict) -> dict[str, int]:
    job = Job.objects.create(
        kind="exports.members",
        dedupe_key=seeded.canary,
        params={
            "kind": "members",
            "format": "xlsx",
            "within_org_id": None,
            "filters": {},
            "unmask": False,
        },
        state=JobState.SUCCEEDED,
        steps_total=ROWS,
        steps_done=ROWS,
        requested_by=User.objects.get(username="admin"),
    )
    return {"ExportJob": job.pk}
