"""GraphQL for 导出: ask for an export (a job to poll), follow your exports, and download the file
through a link that works for you only and expires. QUERIES and MUTATIONS list its root types;
api.schema merges them."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.exports import selectors, services
from backend.exports.spec import ExportFilters, ExportFormat, ExportKindCode
from backend.files.graphql import DownloadLinkType, download_link_type
from backend.jobs.graphql import job_payload
from backend.jobs.models import Job, JobState
from backend.members.models import MemberCategory
from backend.orgs.graphql import load_org

strawberry.enum(ExportKindCode, name="ExportKind", description="What an export lists.")
strawberry.enum(ExportFormat, name="ExportFormat", description="The export's file format.")


@model_type(
    Job,
    name="ExportJob",
    description=(
        "An export you asked for: poll it until finished, then download it. rowsWritten grows "
        "while it runs. Only the user who asked sees it."
    ),
)
class ExportJobType(DistrictNode):
    state: JobState
    error: str = strawberry_django.field(description="Why it failed; empty otherwise.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    # Permission rule: your own exports only (selectors.export_jobs), node(id:) included.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Job], info: Info, **kwargs: Any) -> Any:
        user = info.context.request.user
        return queryset.filter(pk__in=selectors.export_jobs(user).values("pk"))

    @strawberry_django.field(only=["kind"])
    def kind(self, root: strawberry.Parent[Job]) -> ExportKindCode:
        return ExportKindCode(root.kind.removeprefix(services.KIND_PREFIX))

    @strawberry_django.field(only=["params"])
    def format(self, root: strawberry.Parent[Job]) -> ExportFormat:
        return ExportFormat(root.params["format"])

    @strawberry_django.field(only=["params"], description="Full ID numbers and phones included.")
    def unmasked(self, root: strawberry.Parent[Job]) -> bool:
        return bool(root.params.get("unmask"))

    @strawberry_django.field(only=["steps_done"], description="Rows in the file so far.")
    def rows_written(self, root: strawberry.Parent[Job]) -> int:
        return root.steps_done

    @strawberry_django.field(
        only=["steps_total"], description="Rows to write, counted when it started (0 before)."
    )
    def rows_total(self, root: strawberry.Parent[Job]) -> int:
        return root.steps_total

    @strawberry_django.field(only=["state"])
    def finished(self, root: strawberry.Parent[Job]) -> bool:
        return root.state in (JobState.SUCCEEDED, JobState.FAILED)

    @strawberry_django.field(
        only=["state", "result", "requested_by_id"],
        description="A fresh link to the file: null until finished and once the file expired.",
    )
    def download(self, info: Info, root: strawberry.Parent[Job]) -> DownloadLinkType | None:
        user = info.context.request.user
        if root.requested_by_id != user.pk:
            return None
        stored = selectors.export_file(root)
        return download_link_type(stored, user) if stored is not None else None


@strawberry.type
class ExportsQuery:
    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description="One of your exports by ID (also through node); null for anyone else's.",
    )
    def export_job(self, info: Info, id: relay.GlobalID) -> ExportJobType | None:
        pk = node_pk(id, Job, "ExportJob")
        if pk is None:
            return None
        return selectors.export_jobs(info.context.request.user).filter(pk=pk).first()  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[ExportJobType],
        permission_classes=[IsDistrictUser],
        description="Your exports, newest first.",
    )
    def export_jobs(self, info: Info) -> Iterable[ExportJobType]:
        return selectors.export_jobs(info.context.request.user)  # type: ignore[return-value]


@strawberry.input(description="What to export. Conditions apply to their own kinds only.")
class ExportInput:
    kind: ExportKindCode
    format: ExportFormat = ExportFormat.XLSX
    within: relay.GlobalID | None = strawberry.field(
        default=None, description="An org subtree; omitted: everything you may read."
    )
    category: MemberCategory | None = strawberry.field(default=None, description="MEMBERS only.")
    start: date | None = strawberry.field(default=None, description="ACTIVITIES: from this day.")
    end: date | None = strawberry.field(default=None, description="ACTIVITIES: until this day.")
    metric: str | None = strawberry.field(
        default=None, description="METRIC_TABLE (required): the metric's code."
    )
    period: str | None = strawberry.field(
        default=None, description="METRIC_TABLE (required): 2026, 2026-Q4 or 2026-11."
    )
    breakdown: str | None = strawberry.field(
        default=None, description="METRIC_TABLE: one of the metric's breakdowns."
    )
    unmask: bool = strawberry.field(
        default=False,
        description=(
            "MEMBERS: full ID numbers and phones. Needs the unmask permission over the whole "
            "subtree and a purpose; audited."
        ),
    )
    purpose: str | None = strawberry.field(
        default=None, description="Why full personal data is exported (with unmask)."
    )


@strawberry.type
class StartExportPayload:
    job: ExportJobType | None
    created: bool | None = strawberry.field(
        default=None,
        description="False when the same export of yours was already queued or running: that job.",
    )
    errors: list[UserError]


def _request(info: Info, input: ExportInput) -> services.ExportRequest:
    return services.ExportRequest(
        kind=ExportKindCode(input.kind),
        format=ExportFormat(input.format),
        within=load_org(info, input.within, "within") if input.within is not None else None,
        filters=ExportFilters(
            category=input.category.value if input.category is not None else None,
            start=input.start,
            end=input.end,
            metric=input.metric,
            period=input.period,
            breakdown=input.breakdown,
        ),
        unmask=input.unmask,
        purpose=input.purpose or "",
    )


@strawberry.type
class ExportsMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "Export members, units, the org tree, activities or a metric table as .xlsx or .csv; "
            "returns the job to poll. Rows are limited to what you may read; personal data is "
            "masked unless unmask is asked and allowed. Every export is audited."
        ),
    )
    def start_export(self, info: Info, input: ExportInput) -> StartExportPayload:
        return job_payload(
            StartExportPayload,
            lambda: services.export_request(
                request=_request(info, input),
                user=info.context.request.user,
                access=access_of(info),
            ),
        )


QUERIES: tuple[type, ...] = (ExportsQuery,)
MUTATIONS: tuple[type, ...] = (ExportsMutation,)
