from collections.abc import Iterable
from datetime import date
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
from backend.orgs.graphql import PartyOrgType, load_org, load_writable_org, org_scope
from backend.orgs.models import PartyOrg
from backend.units import selectors, services
from backend.units.models import AssignmentRole, PartyOrgStatus, Unit, UnitAssignment, UnitKind

strawberry.enum(UnitKind, name="UnitKind", description="单位类型")
strawberry.enum(PartyOrgStatus, name="PartyOrgStatus", description="党组织建立情况")
strawberry.enum(
    AssignmentRole, name="UnitAssignmentRole", description="党建指导员 (instructor) 或联络员"
)

ASSIGNMENT = "党建指导员/联络员选派"


@model_type(
    UnitAssignment,
    name="UnitAssignment",
    description="党建指导员/党建联络员: a person an org assigned to a unit for a period.",
)
class UnitAssignmentType(DistrictNode):
    unit: "UnitType"
    role: AssignmentRole
    person_name: str = strawberry_django.field(description="姓名")
    assigned_by: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="选派党组织; null outside your scope"
    )
    start_date: date = strawberry_django.field(description="选派日期")
    end_date: date | None = strawberry_django.field(
        description="First day no longer assigned; null while serving."
    )
    note: str

    # Permission rule: an assignment is the unit's record, visible wherever the unit is.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[UnitAssignment], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("unit__covering_org__path")))

    @strawberry_django.field(
        only=["start_date", "end_date"], description="Serving today: started and not ended."
    )
    def is_active(self, root: strawberry.Parent[UnitAssignment]) -> bool:
        today = date.today()
        return root.start_date <= today and (root.end_date is None or root.end_date > today)


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
    locality: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="属地党组织: the street or community where the unit sits; null outside scope.",
    )
    assignments: list[UnitAssignmentType] = strawberry_django.field(
        description="党建指导员 and 联络员, past and present, newest first."
    )

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
    locality_id: relay.GlobalID | None = strawberry.field(
        default=None, description="属地: a street working committee or a community."
    )


@strawberry.input(
    description="Omitted fields keep their value; coveringOrgId or localityId: null clears it."
)
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
    locality_id: relay.GlobalID | None = strawberry.UNSET


@strawberry.type
class UnitAssignmentPayload:
    assignment: UnitAssignmentType | None
    errors: list[UserError]


@strawberry.type
class DeleteUnitAssignmentPayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]


@strawberry.input
class CreateUnitAssignmentInput:
    unit_id: relay.GlobalID
    role: AssignmentRole
    person_name: str
    assigned_by_id: relay.GlobalID = strawberry.field(description="The org that assigned them.")
    start_date: date
    end_date: date | None = strawberry.field(
        default=None, description="To record an assignment that has already ended."
    )
    note: str = ""


@strawberry.input
class EndUnitAssignmentInput:
    id: relay.GlobalID
    end_date: date = strawberry.field(description="The first day the person no longer serves.")


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


def load_writable_unit(info: Info, global_id: relay.GlobalID, field: str) -> Unit:
    unit = load_unit(info, global_id, field)
    covering_path = unit.covering_org.path if unit.covering_org else None
    check_writable(info, covering_path, field=field, what="单位")
    return unit


def _locality(info: Info, global_id: relay.GlobalID | None) -> PartyOrg | None:
    return load_writable_org(info, global_id, "localityId") if global_id else None


def load_writable_assignment(info: Info, global_id: relay.GlobalID, field: str) -> UnitAssignment:
    assignment = load_node(UnitAssignment, global_id, field=field, what=ASSIGNMENT)
    covering = assignment.unit.covering_org
    path = covering.path if covering else None
    check_readable(info, path, field=field, what=ASSIGNMENT)
    check_writable(info, path, field=field, what=ASSIGNMENT)
    return assignment


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
                    locality=_locality(info, input.locality_id),
                )
            )

        return mutation_payload(UnitPayload, "unit", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_unit(self, info: Info, input: UpdateUnitInput) -> UnitPayload:
        def update() -> Unit:
            unit = load_writable_unit(info, input.id, "id")
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
            if input.locality_id is not strawberry.UNSET:
                changes["locality"] = _locality(info, input.locality_id)
            return services.unit_update(unit=unit, changes=changes)

        return mutation_payload(UnitPayload, "unit", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Assign a 党建指导员 or 联络员 to a unit; needs write access to the unit.",
    )
    def create_unit_assignment(
        self, info: Info, input: CreateUnitAssignmentInput
    ) -> UnitAssignmentPayload:
        def create() -> UnitAssignment:
            return services.unit_assignment_create(
                data=services.AssignmentData(
                    unit=load_writable_unit(info, input.unit_id, "unitId"),
                    role=input.role,
                    person_name=input.person_name,
                    assigned_by=load_org(info, input.assigned_by_id, "assignedById"),
                    start_date=input.start_date,
                    end_date=input.end_date,
                    note=input.note,
                )
            )

        return mutation_payload(UnitAssignmentPayload, "assignment", create)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="The 指导员 or 联络员 stops serving the unit from endDate on.",
    )
    def end_unit_assignment(
        self, info: Info, input: EndUnitAssignmentInput
    ) -> UnitAssignmentPayload:
        return mutation_payload(
            UnitAssignmentPayload,
            "assignment",
            lambda: services.unit_assignment_end(
                assignment=load_writable_assignment(info, input.id, "id"), end_date=input.end_date
            ),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Remove an assignment entered by mistake (one that ran its course is ended).",
    )
    def delete_unit_assignment(self, info: Info, id: relay.GlobalID) -> DeleteUnitAssignmentPayload:
        def delete() -> relay.GlobalID:
            services.unit_assignment_delete(assignment=load_writable_assignment(info, id, "id"))
            return id

        return mutation_payload(DeleteUnitAssignmentPayload, "deleted_id", delete)
