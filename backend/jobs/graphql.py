"""The Job type: what a frontend polls after asking for background work."""

from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from backend.access.guards import access_of
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.jobs.models import Job, JobState
from tenants.context import current_district

strawberry.enum(JobState, name="JobState", description="后台任务状态")


def visible_jobs(queryset: QuerySet[Job], info: Info) -> QuerySet[Job]:
    """In a district, readers of the whole district see every job, others the jobs they asked
    for. On the platform every job is the municipality's; the fields that reach them require a
    municipal reader."""
    if current_district() is None or access_of(info).read_paths is None:
        return queryset
    return queryset.filter(requested_by_id=info.context.request.user.pk)


@model_type(
    Job,
    name="Job",
    description="后台任务: background work with its progress; poll it until it has finished.",
)
class JobType(DistrictNode):
    kind: str = strawberry_django.field(description="e.g. metrics.recompute")
    state: JobState
    steps_total: int = strawberry_django.field(description="0 until the worker has started it.")
    steps_done: int
    step_label: str = strawberry_django.field(description="The step running now, in Chinese.")
    error: str = strawberry_django.field(description="Why it failed; empty otherwise.")
    attempts: int = strawberry_django.field(description="How many times a worker started it.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    # Permission rule: visible_jobs (node(id:) included).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Job], info: Info, **kwargs: Any) -> Any:
        return visible_jobs(queryset, info)

    @strawberry_django.field(
        only=["steps_done", "steps_total"], description='Progress as people read it: "3 / 12".'
    )
    def progress(self, root: strawberry.Parent[Job]) -> str:
        return f"{root.steps_done} / {root.steps_total}"

    @strawberry_django.field(only=["state"])
    def finished(self, root: strawberry.Parent[Job]) -> bool:
        return root.state in (JobState.SUCCEEDED, JobState.FAILED)
