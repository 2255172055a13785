"""The Job type: what a frontend polls after asking for background work, and the payload of the
mutations that ask for it."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from backend.access.guards import access_of
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.jobs.models import Job, JobState

strawberry.enum(JobState, name="JobState", description="后台任务状态")


# The kinds the generic Job type shows. Jobs with a type of their own (ImportJob, ExportJob: their
# issues and files are their requester's) are not listed, so `node(id: "Job:…")` cannot read them
# past that type's rule; a new kind stays hidden until its app lists it.
_SHOWN_KINDS: set[str] = set()


def show_as_job(*kinds: str) -> None:
    """Let the generic Job type show jobs of these kinds (called where the app's API is built)."""
    _SHOWN_KINDS.update(kinds)


def readable_jobs(queryset: QuerySet[Job], info: Info) -> QuerySet[Job]:
    """The district's rule for jobs: readers of the whole district see every job, others the
    jobs they asked for. It reads the reader's grants, so it is for the district schema only;
    the platform's job fields (tenants.graphql) resolve their jobs by their own rule."""
    if access_of(info).read_paths is None:
        return queryset
    return queryset.filter(requested_by_id=info.context.request.user.pk)


def visible_jobs(queryset: QuerySet[Job], info: Info) -> QuerySet[Job]:
    """What the generic Job type shows: readable jobs of the kinds shown as Job."""
    return readable_jobs(queryset.filter(kind__in=sorted(_SHOWN_KINDS)), info)


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

    # Permission rule: visible_jobs (node(id:) included). It runs on querysets only; the
    # platform's fields return jobs they have already chosen.
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


@strawberry.type(description="A request for background work: the job to poll, or why not.")
class JobPayload:
    job: JobType | None
    created: bool | None = strawberry.field(
        default=None,
        description="False when the same request was already queued or running: that job.",
    )
    errors: list[UserError]


class _JobPayloadLike(Protocol):
    created: bool | None


P = TypeVar("P", bound=_JobPayloadLike)


def job_payload(payload_type: type[P], request: Callable[[], tuple[Job, bool]]) -> P:
    """Run a job request (a service returning the job and whether it is new); its validation
    errors become the payload's errors, with job and created null. `payload_type` is JobPayload,
    a subclass named for its mutation (the API's type names stay as they were published), or a
    payload of the same fields whose job has a type of its own (StartExportPayload)."""
    created: list[bool] = []

    def job() -> Job:
        found, is_new = request()
        created.append(is_new)
        return found

    payload = mutation_payload(payload_type, "job", job)
    payload.created = created[0] if created else None
    return payload
