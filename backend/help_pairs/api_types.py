"""GraphQL types of help pairs (结对帮扶). Every type narrows itself to the reader's scope,
anchored at the household's community."""

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Exists, OuterRef, QuerySet
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.help_pairs.models import (
    HelpPair,
    HelpPairEndReason,
    HelpVisit,
    HelpVisitKind,
    Household,
    HouseholdKind,
)
from backend.help_pairs.selectors import last_visit_subquery
from backend.members.graphql import MemberType
from backend.orgs.graphql import PartyOrgType

strawberry.enum(HouseholdKind, name="HouseholdKind", description="困难类型")
strawberry.enum(HelpPairEndReason, name="HelpPairEndReason", description="结对结束原因")
strawberry.enum(HelpVisitKind, name="HelpVisitKind", description="帮扶方式")


def _has_active_pair() -> Exists:
    return Exists(HelpPair.objects.filter(household=OuterRef("pk"), end_on__isnull=True))


@model_type(Household, name="Household", description="困难户: a household in difficulty.")
class HouseholdType(DistrictNode):
    head_name: str = strawberry_django.field(description="户主姓名")
    kind: HouseholdKind
    address: str = strawberry_django.field(description="Building level: 3幢2单元.")
    size: int = strawberry_django.field(description="家庭人口")
    situation: str = strawberry_django.field(description="困难情况")
    registered_on: date
    closed_on: date | None
    community: PartyOrgType = strawberry_django.field(description="所在社区党组织")
    pairs: DjangoCursorConnection["HelpPairType"] = page_connection(
        nested_relation=True, description="Help pairs past and present, by start date."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Household], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(only=["phone_masked"], description="Masked: 138****1234.")
    def phone(self, root: strawberry.Parent[Household]) -> str:
        return root.phone_masked

    @strawberry_django.field(
        annotate={"has_active_pair": lambda info: _has_active_pair()},
        description="Whether some member helps this household now.",
    )
    def has_active_pair(self, root: strawberry.Parent[Household]) -> bool:
        if hasattr(root, "has_active_pair"):
            return bool(root.has_active_pair)
        return root.pairs.filter(end_on__isnull=True).exists()


@model_type(HelpPair, name="HelpPair", description="结对帮扶: a member helping a household.")
class HelpPairType(DistrictNode):
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="null outside your scope"
    )
    household: HouseholdType
    start_on: date
    end_on: date | None
    visits: DjangoCursorConnection["HelpVisitType"] = page_connection(
        nested_relation=True, description="Visits, latest first."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[HelpPair], info: Info, **kwargs: Any) -> Any:
        scope = access_of(info).read_filter("household__community__path")
        queryset = mark_scoped(queryset.filter(scope))
        if queryset.query.order_by:
            return queryset
        return queryset.order_by("start_on", "id")

    @strawberry_django.field(only=["end_reason"], description="Null while the pair is active.")
    def end_reason(self, root: strawberry.Parent[HelpPair]) -> HelpPairEndReason | None:
        return HelpPairEndReason(root.end_reason) if root.end_reason else None

    @strawberry_django.field(
        annotate={"last_visited_on": lambda info: last_visit_subquery()},
        description="The latest visit's date; null if never visited.",
    )
    def last_visited_on(self, root: strawberry.Parent[HelpPair]) -> date | None:
        if hasattr(root, "last_visited_on"):
            return root.last_visited_on
        latest = root.visits.order_by("-visited_on").first()
        return latest.visited_on if latest else None


@model_type(HelpVisit, name="HelpVisit", description="帮扶记录: a visit or help given.")
class HelpVisitType(DistrictNode):
    pair: HelpPairType
    visited_on: date
    kind: HelpVisitKind
    hours: Decimal
    amount: Decimal | None = strawberry_django.field(description="元 (money, or material value)")
    note: str

    @classmethod
    def get_queryset(cls, queryset: QuerySet[HelpVisit], info: Info, **kwargs: Any) -> Any:
        scope = access_of(info).read_filter("pair__household__community__path")
        queryset = mark_scoped(queryset.filter(scope))
        if queryset.query.order_by:
            return queryset
        return queryset.order_by("-visited_on", "-id")


@strawberry.type
class HouseholdPayload:
    household: HouseholdType | None
    errors: list[UserError]


@strawberry.type
class HelpPairPayload:
    pair: HelpPairType | None
    errors: list[UserError]


@strawberry.type
class HelpVisitPayload:
    visit: HelpVisitType | None
    errors: list[UserError]
