"""GraphQL types of the re-employment app. Every type is scoped by the archive's community."""

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Case, F, QuerySet, When
from strawberry import relay
from strawberry.extensions.field_extension import FieldExtension, SyncExtensionResolver
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import SCOPED_MARK, mark_scoped
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.members.graphql import MemberType
from backend.members.models import Gender, Member
from backend.orgs.graphql import PartyOrgType
from backend.positions.graphql import PositionType
from backend.reemployment.models import (
    CloseReason,
    EmploymentArchive,
    EmploymentStatus,
    EmploymentStatusChange,
    TrainingRecord,
    TrainingResult,
)
from tenants.global_ids import encode_node_id

strawberry.enum(EmploymentStatus, name="EmploymentStatus", description="就业状态")
strawberry.enum(CloseReason, name="EmploymentArchiveCloseReason", description="就业档案关闭原因")
strawberry.enum(TrainingResult, name="TrainingResult", description="培训结果")


class VisibleRelation(FieldExtension):
    """A related member or archive outside the reader's scope resolves to null. Rows the
    optimizer prefetched through their type's get_queryset are scoped already (marked); an
    object reached from a mutation's result is checked here (its org is loaded if need be)."""

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        related = next_(source, info, **kwargs)
        if related is None or getattr(related, SCOPED_MARK, False):
            return related
        path = related.org.path if isinstance(related, Member) else related.community.path
        return related if access_of(info).can_read(path) else None


def _personal(own: str, on_member: str) -> Case:
    """A person's field: the member's own record for a member, the archive's for a worker."""
    return Case(When(member__isnull=True, then=F(own)), default=F(f"member__{on_member}"))


@model_type(TrainingRecord, name="TrainingRecord", description="培训记录")
class TrainingRecordType(DistrictNode):
    course: str = strawberry_django.field(description="培训项目")
    provider: str = strawberry_django.field(description="培训机构, e.g. 市民学校")
    started_on: date
    ended_on: date | None
    hours: Decimal = strawberry_django.field(description="学时")
    result: TrainingResult
    note: str
    archive: "EmploymentArchiveType"

    @classmethod
    def get_queryset(cls, queryset: QuerySet[TrainingRecord], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("archive__community__path")))


@model_type(
    EmploymentStatusChange,
    name="EmploymentStatusChange",
    description="就业状态变动: one step of an archive's history.",
)
class EmploymentStatusChangeType(DistrictNode):
    changed_on: date
    to_status: EmploymentStatus
    employer: str = strawberry_django.field(description="就业单位 (re-employed, flexible)")
    post: str = strawberry_django.field(description="岗位")
    note: str
    led_by_name: str = strawberry_django.field(
        description="带领人姓名 when the worker was led into work (kept if the leader leaves)."
    )
    archive: "EmploymentArchiveType" = strawberry_django.field(description="Whose history.")
    led_by: "EmploymentArchiveType | None" = strawberry_django.field(
        extensions=[VisibleRelation()],
        description="双带: the laid-off member who led this worker into work; null if none, gone"
        " or outside your scope.",
    )

    @strawberry_django.field(only=["from_status"], description="Null for the registration.")
    def from_status(
        self, root: strawberry.Parent[EmploymentStatusChange]
    ) -> EmploymentStatus | None:
        return EmploymentStatus(root.from_status) if root.from_status else None

    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[EmploymentStatusChange], info: Info, **kwargs: Any
    ) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("archive__community__path")))


@model_type(
    EmploymentArchive,
    name="EmploymentArchive",
    description="就业档案: a laid-off worker (Party member or not) at a community's station.",
)
class EmploymentArchiveType(DistrictNode):
    community: PartyOrgType = strawberry_django.field(description="所在社区党组织")
    station: PositionType | None = strawberry_django.field(description="再就业服务站")
    member: MemberType | None = strawberry_django.field(
        extensions=[VisibleRelation()],
        description="The Party member; null for a worker who is not one, or outside your scope.",
    )
    former_employer: str = strawberry_django.field(description="原工作单位")
    registered_on: date
    status: EmploymentStatus = strawberry_django.field(description="当前就业状态")
    status_since: date
    closed_on: date | None
    note: str
    history: list[EmploymentStatusChangeType] = strawberry_django.field(
        field_name="status_changes", description="Status changes, oldest first."
    )
    trainings: list[TrainingRecordType] = strawberry_django.field(
        description="Training records, by start date."
    )
    led_people: list[EmploymentStatusChangeType] = strawberry_django.field(
        field_name="led_changes",
        description="双带: the re-employments this member led (visible ones), oldest first.",
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[EmploymentArchive], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(only=["member_id"], description="A laid-off Party member?")
    def is_member(self, root: strawberry.Parent[EmploymentArchive]) -> bool:
        return root.member_id is not None

    @strawberry_django.field(only=["close_reason"])
    def close_reason(self, root: strawberry.Parent[EmploymentArchive]) -> CloseReason | None:
        return CloseReason(root.close_reason) if root.close_reason else None

    # The person's fields come from the member's record for a member: annotated in SQL (a join,
    # not the member row, which stays subject to the member's own scope).
    @strawberry_django.field(annotate={"shown_name": _personal("name", "name")})
    def name(self, root: strawberry.Parent[EmploymentArchive]) -> str:
        return _annotated(root, "shown_name", lambda a: a.person_name)

    @strawberry_django.field(annotate={"shown_gender": _personal("gender", "gender")})
    def gender(self, root: strawberry.Parent[EmploymentArchive]) -> Gender:
        return Gender(_annotated(root, "shown_gender", lambda a: a.member.gender))

    @strawberry_django.field(annotate={"shown_birth_date": _personal("birth_date", "birth_date")})
    def birth_date(self, root: strawberry.Parent[EmploymentArchive]) -> date:
        value: date = _annotated(root, "shown_birth_date", lambda a: a.member.birth_date)
        return value

    @strawberry_django.field(
        annotate={"shown_id_number": _personal("id_number_masked", "id_number_masked")},
        description="Masked: 110***********1234.",
    )
    def id_number(self, root: strawberry.Parent[EmploymentArchive]) -> str:
        return _annotated(root, "shown_id_number", lambda a: a.member.id_number_masked)

    @strawberry_django.field(
        annotate={"shown_phone": _personal("phone_masked", "phone_masked")},
        description="Masked: 138****1234.",
    )
    def phone(self, root: strawberry.Parent[EmploymentArchive]) -> str:
        return _annotated(root, "shown_phone", lambda a: a.member.phone_masked)


def _annotated(root: EmploymentArchive, name: str, fallback: Any) -> Any:
    """The optimizer's annotation; an archive a mutation returned has none, and reads its own
    columns (or its member: one query)."""
    if hasattr(root, name):
        return getattr(root, name)
    if root.member_id is None:
        own = {
            "shown_name": root.name,
            "shown_gender": root.gender,
            "shown_birth_date": root.birth_date,
            "shown_id_number": root.id_number_masked,
            "shown_phone": root.phone_masked,
        }
        return own[name]
    return fallback(root)


@model_type(
    EmploymentArchive,
    name="DoubleLeadEntry",
    description=(
        "双带排行: the archive of a laid-off member who re-employed themselves or led others into"
        " work, with their rank; its id is the leader's EmploymentArchive ID."
    ),
)
class DoubleLeadEntryType(EmploymentArchiveType):
    rank: int = strawberry_django.field(description="1 = the most people led.")
    led_count: int = strawberry_django.field(
        description="Distinct workers they led into work in the period."
    )
    self_reemployed: bool = strawberry_django.field(
        description="Re-employed themselves (a change to 已再就业 naming no leader) in the period."
    )

    # The same rule as for any archive (the ranking's own query also scopes before ranking).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[EmploymentArchive], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    # Usable wherever an archive is named (e.g. ledById): the entry is the leader's archive.
    @strawberry.field(name="id", description="The leader's EmploymentArchive ID")
    @classmethod
    def _id(cls, root: Any, info: Info) -> relay.GlobalID:
        return relay.GlobalID("EmploymentArchive", encode_node_id(root.pk))
