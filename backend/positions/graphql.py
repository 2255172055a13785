"""GraphQL for 阵地: QUERIES and MUTATIONS list its root types; api.schema merges them."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.orgs.graphql import PartyOrgType, load_writable_org, org_scope
from backend.positions import selectors, services
from backend.positions.models import Position, PositionKind

strawberry.enum(PositionKind, name="PositionKind", description="阵地类型")


@model_type(
    Position, name="Position", description="阵地: a facility of a community for Party work."
)
class PositionType(DistrictNode):
    kind: PositionKind
    name: str
    address: str
    area_m2: Decimal | None = strawberry_django.field(description="面积 (平方米)")
    opening_hours: str
    meets_standard: bool = strawberry_django.field(description="达到建设标准")
    opened_on: date | None
    closed_on: date | None = strawberry_django.field(description="停用日期; null while in use")
    # The community anchors the scope: whoever reads a position reads its community.
    community: PartyOrgType

    # Permission rule: a position is visible within the subtree holding its community.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Position], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(only=["closed_on"], description="In use (not closed).")
    def is_open(self, root: strawberry.Parent[Position]) -> bool:
        return root.closed_on is None


@strawberry.type
class PositionPayload:
    position: PositionType | None
    errors: list[UserError]


@strawberry.input
class CreatePositionInput:
    community_id: relay.GlobalID
    kind: PositionKind
    name: str
    address: str = ""
    area_m2: Decimal | None = None
    opening_hours: str = ""
    meets_standard: bool = False
    opened_on: date | None = None


@strawberry.input(description="Omitted fields keep their value; areaM2/openedOn: null clears.")
class UpdatePositionInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    area_m2: Decimal | None = strawberry.UNSET
    opening_hours: str | None = strawberry.UNSET
    meets_standard: bool | None = strawberry.UNSET
    opened_on: date | None = strawberry.UNSET


@strawberry.input
class ClosePositionInput:
    id: relay.GlobalID
    closed_on: date


_UPDATABLE = {
    "name": "name",
    "address": "address",
    "area_m2": "area_m2",
    "opening_hours": "opening_hours",
    "meets_standard": "meets_standard",
    "opened_on": "opened_on",
}
_CLEARABLE = frozenset({"area_m2", "opened_on"})


def load_position(info: Info, global_id: relay.GlobalID, field: str) -> Position:
    """A position named in the input that the user may see; anything else is NOT_FOUND."""
    position = load_node(Position, global_id, field=field, what="阵地")
    check_readable(info, position.community.path, field=field, what="阵地")
    return position


def load_writable_position(info: Info, global_id: relay.GlobalID, field: str) -> Position:
    position = load_position(info, global_id, field)
    check_writable(info, position.community.path, field=field, what="阵地")
    return position


@strawberry.type
class PositionsQuery:
    @page_connection(
        DjangoCursorConnection[PositionType],
        permission_classes=[IsDistrictUser],
        description="阵地 by community and kind; within = communities in that subtree.",
    )
    def positions(
        self,
        within: relay.GlobalID | None = None,
        community: relay.GlobalID | None = None,
        kind: PositionKind | None = None,
        meets_standard: bool | None = None,
        is_open: Annotated[
            bool | None, strawberry.argument(description="true: in use; false: closed.")
        ] = None,
    ) -> Iterable[PositionType]:
        return selectors.position_list(  # type: ignore[return-value]
            within=org_scope(within),
            community=org_scope(community),
            kind=kind,
            meets_standard=meets_standard,
            is_open=is_open,
        )


@strawberry.type
class PositionsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_position(self, info: Info, input: CreatePositionInput) -> PositionPayload:
        def create() -> Position:
            return services.position_create(
                data=services.PositionData(
                    community=load_writable_org(info, input.community_id, "communityId"),
                    kind=input.kind,
                    name=input.name,
                    address=input.address,
                    area_m2=input.area_m2,
                    opening_hours=input.opening_hours,
                    meets_standard=input.meets_standard,
                    opened_on=input.opened_on,
                )
            )

        return mutation_payload(PositionPayload, "position", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_position(self, info: Info, input: UpdatePositionInput) -> PositionPayload:
        def update() -> Position:
            position = load_writable_position(info, input.id, "id")
            changes = {
                key: value
                for key, value in provided(input, _UPDATABLE).items()
                if value is not None or key in _CLEARABLE
            }
            return services.position_update(position=position, changes=changes)

        return mutation_payload(PositionPayload, "position", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Stop using a position; the community may then open another of its kind.",
    )
    def close_position(self, info: Info, input: ClosePositionInput) -> PositionPayload:
        return mutation_payload(
            PositionPayload,
            "position",
            lambda: services.position_close(
                position=load_writable_position(info, input.id, "id"), closed_on=input.closed_on
            ),
        )


QUERIES: tuple[type, ...] = (PositionsQuery,)
MUTATIONS: tuple[type, ...] = (PositionsMutation,)
