"""Metrics in each seeded district, for the canary matrix (isolation_cases.py): one period of
every metric for every org, and a finished job. Nothing is published to the municipal table,
which other tests fill themselves."""

from datetime import date

from backend.jobs.models import Job, JobState
from backend.metrics.models import MetricSnapshot
from backend.metrics.services import RECOMPUTE
from tests.metrics.support import compute_metrics, month
from tests.support.seed import SeededDistrict

# A period no other test computes in the seeded districts.
PERIOD = "2025-06"


def seed(seeded: SeededDistrict) -> dict[str, int]:
    period = month(PERIOD)
    compute_metrics(None, period, today=date.today())
    job = Job.objects.create(
        kind=RECOMPUTE,
        dedupe_key=f"{seeded.canary};periods={PERIOD}",
        params={"scope_org_id": None, "periods": [["month", period.start.isoformat()]]},
        state=JobState.SUCCEEDED,
        steps_total=1,
        steps_done=1,
        step_label=seeded.canary,
    )
    snapshot = MetricSnapshot.objects.get(
        org_id=seeded.org_pks["root"],
        metric="participation_rate",
        breakdown="",
        period_kind="month",
        period_start=period.start,
    )
    return {"Job": job.pk, "MetricValue": snapshot.pk}
