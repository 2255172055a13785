"""GraphQL for 下岗职工党员与再就业: QUERIES and MUTATIONS list its root types; api.schema merges them.

Thin: load what the input names (NOT_FOUND when invisible), check the archive's community is
writable, call one service.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from django.conf import settings
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.members.models import Gender, Member
from backend.orgs.graphql import load_writable_org, org_scope
from backend.positions.graphql import load_position
from backend.positions.models import Position
from backend.reemployment import selectors, services, trainings
from backend.reemployment.checks import WorkerData
from backend.reemployment.graphql_types import (
    DoubleLeadEntryType,
    EmploymentArchiveType,
    TrainingRecordType,
)
from backend.reemployment.models import (
    CloseReason,
    EmploymentArchive,
    EmploymentStatus,
    TrainingRecord,
    TrainingResult,
)


def load_archive(info: Info, global_id: relay.GlobalID, field: str) -> EmploymentArchive:
    archive = load_node(EmploymentArchive, global_id, field=field, what="就业档案")
    check_readable(info, archive.community.path, field=field, what="就业档案")
    return archive


def load_writable_archive(info: Info, global_id: relay.GlobalID, field: str) -> EmploymentArchive:
    archive = load_archive(info, global_id, field)
    check_writable(info, archive.community.path, field=field, what="就业档案")
    return archive


def station_scope(global_id: relay.GlobalID | None) -> Position | None:
    """A station used as a filter; an unknown or foreign ID filters to nothing."""
    if global_id is None:
        return None
    pk = node_pk(global_id, Position)
    found = Position.objects.filter(pk=pk).first() if pk is not None else None
    return found or Position(pk=0)


def load_member(info: Info, global_id: relay.GlobalID, field: str) -> Member:
    member = load_node(Member, global_id, field=field, what="党员")
    check_readable(info, member.org.path, field=field, what="党员")
    return member


@strawberry.input(description="A period of dates, both ends included; an omitted end is open.")
class ReemploymentPeriod:
    start: date | None = None
    end: date | None = None


@strawberry.type
class ReemploymentQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def employment_archive(self, info: Info, id: relay.GlobalID) -> EmploymentArchiveType | None:
        if id.type_name != "EmploymentArchive":
            return None
        return EmploymentArchiveType.resolve_node(id.node_id, info=info)

    @page_connection(
        DjangoCursorConnection[EmploymentArchiveType],
        permission_classes=[IsDistrictUser],
        description="就业档案, newest registration first; within = the archive's community.",
    )
    def employment_archives(
        self,
        info: Info,
        within: relay.GlobalID | None = None,
        status: EmploymentStatus | None = None,
        station: relay.GlobalID | None = None,
        is_member: Annotated[
            bool | None, strawberry.argument(description="Members only, or non-members only.")
        ] = None,
        search: Annotated[str | None, strawberry.argument(description="Part of the name.")] = None,
        id_number: Annotated[
            str | None, strawberry.argument(description="Exact 18-character ID number.")
        ] = None,
    ) -> Iterable[EmploymentArchiveType]:
        return selectors.archive_list(  # type: ignore[return-value]
            within=org_scope(within),
            status=status,
            station=station_scope(station),
            is_member=is_member,
            search=search,
            id_number=id_number,
        )

    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description=(
            "双带 ranking: laid-off members by the number of workers they led into work in the"
            " period, and whether they re-employed themselves; within = the leader's community."
        ),
    )
    def double_lead_ranking(
        self,
        info: Info,
        within: relay.GlobalID | None = None,
        period: ReemploymentPeriod | None = None,
        first: Annotated[
            int | None, strawberry.argument(description="How many leaders (default 20).")
        ] = None,
    ) -> list[DoubleLeadEntryType]:
        size = settings.GRAPHQL_DEFAULT_PAGE_SIZE if first is None else first
        if not 0 <= size <= settings.GRAPHQL_MAX_PAGE_SIZE:
            raise ValueError(
                f"Argument 'first' must be between 0 and {settings.GRAPHQL_MAX_PAGE_SIZE}."
            )
        start, end = (period.start, period.end) if period is not None else (None, None)
        if start is not None and end is not None and end < start:
            raise ValueError("Argument 'period': end is before start.")
        # Scoped before the ranks are counted (the type's get_queryset scopes it again).
        return selectors.double_lead_ranking(  # type: ignore[return-value]
            within=org_scope(within),
            start=start,
            end=end,
            top=size,
            visible=access_of(info).read_filter("community__path"),
        )


# --- mutations ------------------------------------------------------------------------------


@strawberry.type
class EmploymentArchivePayload:
    archive: EmploymentArchiveType | None
    errors: list[UserError]


@strawberry.type
class TrainingRecordPayload:
    training: TrainingRecordType | None
    errors: list[UserError]


@strawberry.input(description="Either memberId, or a non-member's name and ID number.")
class RegisterEmploymentArchiveInput:
    community_id: relay.GlobalID
    registered_on: date
    member_id: relay.GlobalID | None = None
    name: str | None = None
    id_number: str | None = None
    gender: Gender | None = strawberry.field(
        default=None, description="Non-members: taken from the ID number when omitted."
    )
    birth_date: date | None = strawberry.field(
        default=None, description="Non-members: taken from the ID number when omitted."
    )
    phone: str = ""
    station_id: relay.GlobalID | None = None
    former_employer: str = ""
    note: str = ""


@strawberry.input(description="Omitted fields keep their value; a null stationId detaches.")
class UpdateEmploymentArchiveInput:
    id: relay.GlobalID
    station_id: relay.GlobalID | None = strawberry.UNSET
    former_employer: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Non-members only.")


@strawberry.input
class ChangeEmploymentStatusInput:
    archive_id: relay.GlobalID
    status: EmploymentStatus
    changed_on: date
    employer: str = strawberry.field(default="", description="Required when re-employed.")
    post: str = ""
    led_by_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="双带: the archive of the laid-off member who led this worker into work.",
    )
    note: str = ""


@strawberry.input
class CloseEmploymentArchiveInput:
    id: relay.GlobalID
    closed_on: date
    reason: CloseReason
    note: str = ""


@strawberry.input
class AddTrainingRecordInput:
    archive_id: relay.GlobalID
    course: str
    provider: str
    started_on: date
    hours: Decimal
    result: TrainingResult = TrainingResult.IN_PROGRESS
    ended_on: date | None = None
    note: str = ""


@strawberry.input(description="Omitted fields keep their value; a null endedOn clears it.")
class UpdateTrainingRecordInput:
    id: relay.GlobalID
    course: str | None = strawberry.UNSET
    provider: str | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    ended_on: date | None = strawberry.UNSET
    hours: Decimal | None = strawberry.UNSET
    result: TrainingResult | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


def _worker(input: RegisterEmploymentArchiveInput) -> WorkerData | None:
    """The non-member's fields, if any was sent (with a memberId too, the service refuses)."""
    sent = (input.name, input.id_number, input.gender, input.birth_date, input.phone or None)
    if all(value is None for value in sent):
        return None
    return WorkerData(
        name=input.name or "",
        id_number=input.id_number or "",
        phone=input.phone,
        gender=input.gender,
        birth_date=input.birth_date,
    )


@strawberry.type
class ReemploymentMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def register_employment_archive(
        self, info: Info, input: RegisterEmploymentArchiveInput
    ) -> EmploymentArchivePayload:
        def register() -> EmploymentArchive:
            community = load_writable_org(info, input.community_id, "communityId")
            member = load_member(info, input.member_id, "memberId") if input.member_id else None
            station = (
                load_position(info, input.station_id, "stationId") if input.station_id else None
            )
            return services.archive_register(
                community=community,
                registered_on=input.registered_on,
                member=member,
                worker=_worker(input),
                station=station,
                former_employer=input.former_employer,
                note=input.note,
            )

        return mutation_payload(EmploymentArchivePayload, "archive", register)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_employment_archive(
        self, info: Info, input: UpdateEmploymentArchiveInput
    ) -> EmploymentArchivePayload:
        def update() -> EmploymentArchive:
            archive = load_writable_archive(info, input.id, "id")
            changes = {
                k: v
                for k, v in provided(
                    input, {"former_employer": "former_employer", "note": "note", "phone": "phone"}
                ).items()
                if v is not None
            }
            if input.station_id is not strawberry.UNSET:
                gid = input.station_id
                changes["station"] = load_position(info, gid, "stationId") if gid else None
            return services.archive_update(archive=archive, changes=changes)

        return mutation_payload(EmploymentArchivePayload, "archive", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Add the next step of the history; it becomes the archive's current status.",
    )
    def change_employment_status(
        self, info: Info, input: ChangeEmploymentStatusInput
    ) -> EmploymentArchivePayload:
        def change() -> EmploymentArchive:
            archive = load_writable_archive(info, input.archive_id, "archiveId")
            leader = load_archive(info, input.led_by_id, "ledById") if input.led_by_id else None
            return services.status_change(
                archive=archive,
                to_status=input.status,
                changed_on=input.changed_on,
                employer=input.employer,
                post=input.post,
                led_by=leader,
                note=input.note,
            )

        return mutation_payload(EmploymentArchivePayload, "archive", change)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def close_employment_archive(
        self, info: Info, input: CloseEmploymentArchiveInput
    ) -> EmploymentArchivePayload:
        return mutation_payload(
            EmploymentArchivePayload,
            "archive",
            lambda: services.archive_close(
                archive=load_writable_archive(info, input.id, "id"),
                closed_on=input.closed_on,
                reason=input.reason,
                note=input.note,
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def add_training_record(
        self, info: Info, input: AddTrainingRecordInput
    ) -> TrainingRecordPayload:
        def add() -> TrainingRecord:
            archive = load_writable_archive(info, input.archive_id, "archiveId")
            return trainings.training_add(
                archive=archive,
                data=trainings.TrainingData(
                    course=input.course,
                    provider=input.provider,
                    started_on=input.started_on,
                    hours=input.hours,
                    result=input.result,
                    ended_on=input.ended_on,
                    note=input.note,
                ),
            )

        return mutation_payload(TrainingRecordPayload, "training", add)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_training_record(
        self, info: Info, input: UpdateTrainingRecordInput
    ) -> TrainingRecordPayload:
        def update() -> TrainingRecord:
            training = load_node(TrainingRecord, input.id, field="id", what="培训记录")
            path = training.archive.community.path
            check_writable(info, path, field="id", what="培训记录")
            sent = provided(
                input,
                {
                    "course": "course",
                    "provider": "provider",
                    "started_on": "started_on",
                    "hours": "hours",
                    "result": "result",
                    "note": "note",
                },
            )
            changes = {k: v for k, v in sent.items() if v is not None}
            if input.ended_on is not strawberry.UNSET:
                changes["ended_on"] = input.ended_on
            return trainings.training_update(training=training, changes=changes)

        return mutation_payload(TrainingRecordPayload, "training", update)


QUERIES: tuple[type, ...] = (ReemploymentQuery,)
MUTATIONS: tuple[type, ...] = (ReemploymentMutation,)
