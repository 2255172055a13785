"""GraphQL for 导入: upload a roster (GraphQL multipart request, Strawberry's Upload scalar), get an
ImportJob to poll, read its issues, download its error report and the templates. QUERIES and
MUTATIONS list its root types; api.schema merges them."""

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.types import Info

from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.files.graphql import DownloadLinkType, download_link_type
from backend.files.models import StoredFile
from backend.imports import selectors, services
from backend.imports.models import ImportIssue
from backend.jobs.graphql import readable_jobs
from backend.jobs.models import Job, JobState


@strawberry.enum(name="ImportKind", description="What an import loads.")
class ImportKindEnum(Enum):
    MEMBERS = "members"
    UNITS = "units"
    ORGS = "orgs"
    PARTICIPATION = "participation"


@strawberry.enum(
    name="ImportMode", description="What happens to the good rows of a file with bad ones."
)
class ImportModeEnum(Enum):
    ALL_OR_NOTHING = "all_or_nothing"
    SKIP_BAD_ROWS = "skip_bad_rows"


def _visible(queryset: QuerySet[Job], info: Info) -> QuerySet[Job]:
    """Your own imports; every import for readers of the whole district."""
    return readable_jobs(queryset.filter(kind__startswith=services.KIND_PREFIX), info)


@model_type(
    ImportIssue, name="ImportIssue", description="One thing wrong with one row of the file."
)
class ImportIssueType(DistrictNode):
    row: int = strawberry_django.field(description="The row number as Excel shows it.")
    column: str = strawberry_django.field(description="The column's header; empty for the row.")
    value: str = strawberry_django.field(description="As written, masked when personal.")
    code: str = strawberry_django.field(description="e.g. REQUIRED, INVALID, DUPLICATE_IN_FILE.")
    message: str = strawberry_django.field(description="What is wrong, in Chinese.")

    # Permission rule: an issue is visible with its import (ImportJob's rule).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[ImportIssue], info: Info, **kwargs: Any) -> Any:
        return queryset.filter(job__in=_visible(Job.objects.all(), info))


def _count(root: Job, key: str) -> int:
    return int(root.result.get(key, 0))


@model_type(
    Job,
    name="ImportJob",
    description=(
        "An import of one file: poll it until finished. While it runs, rowsRead grows towards "
        "rowsTotal (an estimate until the end). committed tells whether its rows were written."
    ),
)
class ImportJobType(DistrictNode):
    state: JobState
    error: str = strawberry_django.field(description="Why the file could not be imported.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    issues: DjangoCursorConnection[ImportIssueType] = page_connection(
        nested_relation=True,
        field_name="import_issues",
        description="Bad rows and fields, in file order (at most DANGJIAN_IMPORT_MAX_ISSUES).",
    )

    # Permission rule: _visible (node(id:) included).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Job], info: Info, **kwargs: Any) -> Any:
        return _visible(queryset, info)

    @strawberry_django.field(only=["kind"])
    def kind(self, root: strawberry.Parent[Job]) -> ImportKindEnum:
        return ImportKindEnum(root.kind.removeprefix(services.KIND_PREFIX))

    @strawberry_django.field(only=["params"])
    def file_name(self, root: strawberry.Parent[Job]) -> str:
        return str(root.params.get("file_name", ""))

    @strawberry_django.field(only=["params"])
    def dry_run(self, root: strawberry.Parent[Job]) -> bool:
        return bool(root.params.get("dry_run"))

    @strawberry_django.field(only=["params"])
    def mode(self, root: strawberry.Parent[Job]) -> ImportModeEnum:
        return ImportModeEnum(root.params.get("mode"))

    @strawberry_django.field(only=["state"])
    def finished(self, root: strawberry.Parent[Job]) -> bool:
        return root.state in (JobState.SUCCEEDED, JobState.FAILED)

    @strawberry_django.field(only=["steps_total"], description="Data rows in the file.")
    def rows_total(self, root: strawberry.Parent[Job]) -> int:
        return root.steps_total

    @strawberry_django.field(only=["steps_done"])
    def rows_read(self, root: strawberry.Parent[Job]) -> int:
        return root.steps_done

    @strawberry_django.field(only=["result"], description="Rows with no issue.")
    def rows_valid(self, root: strawberry.Parent[Job]) -> int:
        return _count(root, "valid")

    @strawberry_django.field(only=["result"], description="Rows with at least one issue.")
    def rows_invalid(self, root: strawberry.Parent[Job]) -> int:
        return _count(root, "invalid")

    @strawberry_django.field(only=["result"], description="New records written.")
    def rows_created(self, root: strawberry.Parent[Job]) -> int:
        return _count(root, "created")

    @strawberry_django.field(only=["result"], description="Existing records changed.")
    def rows_updated(self, root: strawberry.Parent[Job]) -> int:
        return _count(root, "updated")

    @strawberry_django.field(only=["result"], description="Rows already as in the database.")
    def rows_unchanged(self, root: strawberry.Parent[Job]) -> int:
        return _count(root, "unchanged")

    @strawberry_django.field(only=["result"], description="All issues found, also past the cap.")
    def issue_count(self, root: strawberry.Parent[Job]) -> int:
        return _count(root, "issues")

    @strawberry_django.field(
        only=["result"],
        description="Whether the rows were written. Never for a dry run; for ALL_OR_NOTHING only "
        "when no row was bad.",
    )
    def committed(self, root: strawberry.Parent[Job]) -> bool:
        return bool(root.result.get("committed"))

    @strawberry_django.field(
        only=["result", "requested_by_id"],
        description=(
            "The file again with an error column, for the user who imported it; null when "
            "there were no issues or the report has expired."
        ),
    )
    def error_report(self, info: Info, root: strawberry.Parent[Job]) -> DownloadLinkType | None:
        user = info.context.request.user
        file_id = root.result.get("report_file_id")
        if file_id is None or root.requested_by_id != user.pk:
            return None
        stored = selectors.live_file(file_id)
        return download_link_type(stored, user) if stored is not None else None


@strawberry.type
class ImportsQuery:
    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description="An import by ID (also through node): yours, or any for district readers.",
    )
    def import_job(self, info: Info, id: relay.GlobalID) -> ImportJobType | None:
        pk = node_pk(id, Job, "ImportJob")
        if pk is None:
            return None
        return _visible(Job.objects.filter(pk=pk), info).first()  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[ImportJobType],
        permission_classes=[IsDistrictUser],
        description="Imports, newest first: yours, or all for district-wide readers.",
    )
    def import_jobs(
        self, info: Info, kind: ImportKindEnum | None = None
    ) -> Iterable[ImportJobType]:
        qs = Job.objects.order_by("-created_at", "-id")
        if kind is not None:
            qs = qs.filter(kind=services.job_kind(kind.value))
        return _visible(qs, info)  # type: ignore[return-value]


@strawberry.type
class ImportPayload:
    job: ImportJobType | None
    created: bool | None = strawberry.field(
        default=None,
        description="False when the same upload is already queued or running: that job.",
    )
    duplicate: bool | None = strawberry.field(
        default=None,
        description="True when this file was already imported and committed: that import.",
    )
    errors: list[UserError]


@strawberry.type
class ImportTemplatePayload:
    template: DownloadLinkType | None
    errors: list[UserError]


def _import(
    info: Info, kind: ImportKindEnum, file: Upload, dry_run: bool, mode: ImportModeEnum
) -> ImportPayload:
    outcome: list[services.ImportRequested] = []

    def request() -> Job:
        requested = services.import_request(
            kind_code=kind.value,
            upload=file,  # type: ignore[arg-type]
            dry_run=dry_run,
            mode=mode.value,
            user=info.context.request.user,
        )
        outcome.append(requested)
        return requested.job

    payload = mutation_payload(ImportPayload, "job", request)
    if outcome:
        payload.created = outcome[0].created
        payload.duplicate = outcome[0].duplicate
    return payload


_FILE = "An .xlsx workbook or a .csv file (UTF-8, with or without BOM, or GB18030/GBK)."
_DRY_RUN = "Check every row and write nothing."
_MODE = "ALL_OR_NOTHING writes nothing if any row is bad; SKIP_BAD_ROWS writes the good rows."


def _import_field(kind: ImportKindEnum, what: str) -> Any:
    def resolver(
        info: Info,
        file: Annotated[Upload, strawberry.argument(description=_FILE)],
        dry_run: Annotated[bool, strawberry.argument(description=_DRY_RUN)] = False,
        mode: Annotated[ImportModeEnum, strawberry.argument(description=_MODE)] = (
            ImportModeEnum.ALL_OR_NOTHING
        ),
    ) -> ImportPayload:
        return _import(info, kind, file, dry_run, mode)

    return strawberry.mutation(
        resolver=resolver,
        permission_classes=DISTRICT_WRITE,
        description=(
            f"Import {what} from a file; returns the job to poll. Rows are matched by their "
            "natural key, so importing an updated file updates rather than duplicates, and "
            "the same file twice returns the first import (duplicate: true)."
        ),
    )


@strawberry.type
class ImportsMutation:
    import_members: ImportPayload = _import_field(
        ImportKindEnum.MEMBERS, "Party members (党员名册), by ID number"
    )
    import_units: ImportPayload = _import_field(
        ImportKindEnum.UNITS, "units (单位), by unified social credit code or name"
    )
    import_orgs: ImportPayload = _import_field(
        ImportKindEnum.ORGS, "the org tree (党组织), by org code and parent code"
    )
    import_participation: ImportPayload = _import_field(
        ImportKindEnum.PARTICIPATION, "activity participation (活动参与), by activity and member"
    )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "A blank template for an import: the headers (required ones marked *), a comment on "
            "each, drop-down lists for enumerated columns and a sheet of instructions."
        ),
    )
    def import_template(self, info: Info, kind: ImportKindEnum) -> ImportTemplatePayload:
        def make() -> DownloadLinkType:
            user = info.context.request.user
            stored: StoredFile = services.template_file(kind.value, user)
            return download_link_type(stored, user)

        return mutation_payload(ImportTemplatePayload, "template", make)


QUERIES: tuple[type, ...] = (ImportsQuery,)
MUTATIONS: tuple[type, ...] = (ImportsMutation,)
