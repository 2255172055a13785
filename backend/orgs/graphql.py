from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.db.models.functions import Collate
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.members.selectors import subtree_member_counts, subtree_member_counts_subquery
from backend.orgs import selectors, services
from backend.orgs.models import PartyOrg, PartyOrgKind

strawberry.enum(PartyOrgKind, name="PartyOrgKind", description="党组织类型")


@strawberry.type(
    description="Members whose organisational relation lies in a subtree, by category."
)
class MemberCounts:
    total: int
    in_service: int = strawberry.field(description="在职党员")
    mobile: int = strawberry.field(description="流动党员")
    laid_off: int = strawberry.field(description="下岗职工党员")
    retired: int = strawberry.field(description="离退休党员")
    community: int = strawberry.field(description="社区党员")

    @classmethod
    def from_dict(cls, counts: dict[str, int] | None) -> "MemberCounts":
        counts = counts or {}
        return cls(
            total=counts.get("total", 0),
            in_service=counts.get("in_service", 0),
            mobile=counts.get("mobile", 0),
            laid_off=counts.get("laid_off", 0),
            retired=counts.get("retired", 0),
            community=counts.get("community", 0),
        )


@model_type(PartyOrg, name="PartyOrg", description="党组织: a node of the org tree.")
class PartyOrgType(DistrictNode):
    code: str
    name: str
    kind: PartyOrgKind
    depth: int = strawberry_django.field(description="1 for the district committee.")
    established_on: date | None
    end_date: date | None
    # Relations to PartyOrg are prefetched through get_queryset below, so an org outside the
    # reader's scope arrives as null here too.
    parent: "PartyOrgType | None" = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="The parent, or null above the reader's scope.",
    )
    children: DjangoCursorConnection["PartyOrgType"] = page_connection(
        nested_relation=True, description="Direct children, ordered by code."
    )

    # Permission rule: rows outside the reader's granted subtrees are filtered out here, so every
    # way of reaching an org (connections, children, node) sees the same scope.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[PartyOrg], info: Info, **kwargs: Any) -> Any:
        queryset = mark_scoped(queryset.filter(access_of(info).read_filter("path")))
        # Nested prefetches (children) arrive unordered; cursors need the documented order. An
        # expression, not the bare column: the optimizer's only() runs after pagination here and
        # would defer a plain `code`, costing one query per child to build its cursor.
        if queryset.query.order_by:
            return queryset
        return queryset.order_by(Collate("code", "C"), "id")

    @strawberry_django.field(
        annotate={"ancestors_json": lambda info: selectors.ancestors_json_subquery()},
        description="From the district committee down to the parent (the breadcrumb).",
    )
    def ancestors(self, root: strawberry.Parent[PartyOrg], info: Info) -> list["PartyOrgType"]:
        if hasattr(root, "ancestors_json"):
            ancestors = selectors.orgs_from_json(root.ancestors_json)
        else:
            ancestors = list(selectors.org_ancestors(root))
        access = access_of(info)
        return [org for org in ancestors if access.can_read(org.path)]  # type: ignore[misc]

    @page_connection(
        DjangoCursorConnection["PartyOrgType"],
        only=["path"],
        description=(
            "Everything below this org, in tree order. One query per org: ask for it on a single"
            " org (org(id:)), not inside a page of orgs."
        ),
    )
    def descendants(
        self,
        root: strawberry.Parent[PartyOrg],
        kinds: list[PartyOrgKind] | None = None,
        max_depth: Annotated[
            int | None,
            strawberry.argument(description="1 = children only, 2 = with grandchildren, …"),
        ] = None,
    ) -> Iterable["PartyOrgType"]:
        if max_depth is not None and max_depth < 1:
            return PartyOrg.objects.none()  # type: ignore[return-value]
        return selectors.org_descendants(root, kinds=kinds, max_depth=max_depth)  # type: ignore[return-value]

    @strawberry_django.field(
        annotate={"member_counts_json": lambda info: subtree_member_counts_subquery()},
        description="Members with their organisational relation in this org or below, by category.",
    )
    def member_counts(self, root: strawberry.Parent[PartyOrg]) -> MemberCounts:
        if hasattr(root, "member_counts_json"):
            return MemberCounts.from_dict(root.member_counts_json)
        return MemberCounts.from_dict(subtree_member_counts(root))


@strawberry.type
class PartyOrgPayload:
    org: PartyOrgType | None
    errors: list[UserError]


@strawberry.input
class CreatePartyOrgInput:
    code: str
    name: str
    kind: PartyOrgKind
    parent_id: relay.GlobalID | None = None
    established_on: date | None = None
    end_date: date | None = None


@strawberry.input(description="Omitted fields keep their value; endDate: null clears it.")
class UpdatePartyOrgInput:
    id: relay.GlobalID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    kind: PartyOrgKind | None = strawberry.UNSET
    established_on: date | None = strawberry.UNSET
    end_date: date | None = strawberry.UNSET


@strawberry.input
class MovePartyOrgInput:
    id: relay.GlobalID
    new_parent_id: relay.GlobalID


def visible_org(info: Info, org: PartyOrg | None) -> PartyOrgType | None:
    """An org reached through a relation, or None when it lies outside the reader's scope."""
    if org is None or not access_of(info).can_read(org.path):
        return None
    return org  # type: ignore[return-value]


def load_org(info: Info, global_id: relay.GlobalID, field: str) -> PartyOrg:
    """An org named in the input that the user may see; anything else is NOT_FOUND."""
    org = load_node(PartyOrg, global_id, field=field, what="党组织")
    check_readable(info, org.path, field=field, what="党组织")
    return org


def load_writable_org(info: Info, global_id: relay.GlobalID, field: str) -> PartyOrg:
    org = load_org(info, global_id, field)
    check_writable(info, org.path, field=field, what="党组织")
    return org


def org_scope(global_id: relay.GlobalID | None) -> PartyOrg | None:
    """An org used as a filter; a foreign or unknown ID filters to nothing rather than erroring."""
    if global_id is None:
        return None
    pk = node_pk(global_id, PartyOrg)
    found = PartyOrg.objects.filter(pk=pk).first() if pk is not None else None
    # An impossible path: filtering by it yields nothing.
    return found or PartyOrg(path="0")


@strawberry.type
class OrgsQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def org(self, info: Info, id: relay.GlobalID) -> PartyOrgType | None:
        if id.type_name != "PartyOrg":
            return None
        return PartyOrgType.resolve_node(id.node_id, info=info)

    @page_connection(
        DjangoCursorConnection[PartyOrgType],
        permission_classes=[IsDistrictUser],
        description="党组织 in tree order, filtered by kind, subtree (within) and name.",
    )
    def orgs(
        self,
        kinds: list[PartyOrgKind] | None = None,
        within: relay.GlobalID | None = None,
        search: str | None = None,
    ) -> Iterable[PartyOrgType]:
        qs: QuerySet[PartyOrg] = selectors.org_list(
            kinds=kinds, within=org_scope(within), search=search
        )
        return qs  # type: ignore[return-value]


@strawberry.type
class OrgsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_party_org(self, info: Info, input: CreatePartyOrgInput) -> PartyOrgPayload:
        def create() -> PartyOrg:
            if input.parent_id:
                parent = load_writable_org(info, input.parent_id, "parentId")
            else:
                check_writable(info, None, field="parentId", what="党组织")
                parent = None
            return services.org_create(
                code=input.code,
                name=input.name,
                kind=input.kind,
                parent=parent,
                established_on=input.established_on,
                end_date=input.end_date,
            )

        return mutation_payload(PartyOrgPayload, "org", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_party_org(self, info: Info, input: UpdatePartyOrgInput) -> PartyOrgPayload:
        def update() -> PartyOrg:
            changes = provided(
                input,
                {
                    "code": "code",
                    "name": "name",
                    "kind": "kind",
                    "established_on": "established_on",
                    "end_date": "end_date",
                },
            )
            if "end_date" in changes and changes["end_date"] is None:
                changes["clear_end_date"] = True
            return services.org_update(org=load_writable_org(info, input.id, "id"), **changes)

        return mutation_payload(PartyOrgPayload, "org", update)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def move_party_org(self, info: Info, input: MovePartyOrgInput) -> PartyOrgPayload:
        return mutation_payload(
            PartyOrgPayload,
            "org",
            lambda: services.org_move(
                org=load_writable_org(info, input.id, "id"),
                new_parent=load_writable_org(info, input.new_parent_id, "newParentId"),
            ),
        )
