from collections.abc import Iterable
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.orgs.graphql import PartyOrgType, load_writable_org, org_scope
from backend.units import selectors, services
from backend.units.models import PartyOrgStatus, Unit, UnitKind

strawberry.enum(UnitKind, name="UnitKind", description="单位类型")
strawberry.enum(PartyOrgStatus, name="PartyOrgStatus", description="党组织建立情况")


@model_type(Unit, name="Unit", description="单位: an enterprise, organ or organisation.")
class UnitType(DistrictNode):
    name: str
    credit_code: str | None = strawberry_django.field(description="统一社会信用代码")
    kind: UnitKind
    address: str
    employee_count: int
    party_member_count: int
    party_org_status: PartyOrgStatus
    covering_org: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])

    # Permission rule: a unit is visible within the subtree of the org that covers it; units no
    # org covers are district-wide data, for district-level readers only.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Unit], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("covering_org__path")))


@strawberry.type
class UnitPayload:
    unit: UnitType | None
    errors: list[UserError]


@strawberry.input
class CreateUnitInput:
    name: str
    kind: UnitKind
    credit_code: str | None = None
    address: str = ""
    employee_count: int = 0
    party_member_count: int = 0
    party_org_status: PartyOrgStatus = PartyOrgStatus.NONE
    covering_org_id: relay.GlobalID | None = None


@strawberry.input(description="Omitted fields keep their value; coveringOrgId: null clears it.")
class UpdateUnitInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    kind: UnitKind | None = strawberry.UNSET
    credit_code: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    employee_count: int | None = strawberry.UNSET
    party_member_count: int | None = strawberry.UNSET
    party_org_status: PartyOrgStatus | None = strawberry.UNSET
    covering_org_id: relay.GlobalID | None = strawberry.UNSET


_UPDATABLE = {
    "name": "name",
    "kind": "kind",
    "credit_code": "credit_code",
    "address": "address",
    "employee_count": "employee_count",
    "party_member_count": "party_member_count",
    "party_org_status": "party_org_status",
}


def load_unit(info: Info, global_id: relay.GlobalID, field: str) -> Unit:
    unit = load_node(Unit, global_id, field=field, what="单位")
    covering_path = unit.covering_org.path if unit.covering_org else None
    check_readable(info, covering_path, field=field, what="单位")
    return unit


@strawberry.type
class UnitsQuery:
    @page_connection(
        DjangoCursorConnection[UnitType],
        permission_classes=[IsDistrictUser],
        description="单位, ordered by name; coveredWithin keeps units covered by that subtree.",
    )
    def units(
        self,
        kind: UnitKind | None = None,
        party_org_status: PartyOrgStatus | None = None,
        covered_within: relay.GlobalID | None = None,
        search: str | None = None,
    ) -> Iterable[UnitType]:
        return selectors.unit_list(  # type: ignore[return-value]
            kind=kind,
            party_org_status=party_org_status,
            covered_within=org_scope(covered_within),
            search=search,
        )


@strawberry.type
class UnitsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_unit(self, info: Info, input: CreateUnitInput) -> UnitPayload:
        def create() -> Unit:
            if input.covering_org_id:
                covering = load_writable_org(info, input.covering_org_id, "coveringOrgId")
            else:
                check_writable(info, None, field="coveringOrgId", what="党组织")
                covering = None
            return services.unit_create(
                data=services.UnitData(
                    name=input.name,
                    kind=input.kind,
                    credit_code=input.credit_code,
                    address=input.address,
                    employee_count=input.employee_count,
                    party_member_count=input.party_member_count,
                    party_org_status=input.party_org_status,
                    covering_org=covering,
                )
            )

        return mutation_payload(UnitPayload, "unit", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_unit(self, info: Info, input: UpdateUnitInput) -> UnitPayload:
        def update() -> Unit:
            unit = load_unit(info, input.id, "id")
            covering_path = unit.covering_org.path if unit.covering_org else None
            check_writable(info, covering_path, field="id", what="单位")
            changes = {k: v for k, v in provided(input, _UPDATABLE).items() if v is not None}
            if input.credit_code is None:
                changes["credit_code"] = None
            if input.covering_org_id is not strawberry.UNSET:
                if input.covering_org_id:
                    changes["covering_org"] = load_writable_org(
                        info, input.covering_org_id, "coveringOrgId"
                    )
                else:
                    check_writable(info, None, field="coveringOrgId", what="党组织")
                    changes["covering_org"] = None
            return services.unit_update(unit=unit, changes=changes)

        return mutation_payload(UnitPayload, "unit", update)
