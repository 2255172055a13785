"""GraphQL for 公开亮相 (discovery registrations). Exposed through backend.mobile.graphql's
QUERIES/MUTATIONS (the members app's own schema module is not touched).

Scope: a registration is visible to readers of its community and written by writers of it. The
member it may name is shown only to readers of that member (their organisational relation)."""

from collections.abc import Iterable
from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, not_found
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.members import registrations as services
from backend.members.graphql import MemberType
from backend.members.models import Member, MemberCategory, Registration, RegistrationSource
from backend.orgs.graphql import PartyOrgType, load_org, org_scope
from tenants.global_ids import decode_node_id

strawberry.enum(RegistrationSource, name="DiscoverySource", description="公开亮相来源")


@strawberry.enum(name="DiscoveryStatus", description="登记状态")
class DiscoveryStatus(Enum):
    OPEN = "open"  # not yet placed (未纳入管理)
    PLACED = "placed"  # under the community's management (已纳入管理)
    LEFT = "left"


def load_member(info: Info, global_id: relay.GlobalID, field: str) -> Member:
    """A member named in the input that the user may see; anything else is NOT_FOUND."""
    member = load_node(Member, global_id, field=field, what="党员")
    check_readable(info, member.org.path, field=field, what="党员")
    return member


TYPE_NAME = "DiscoveryRegistration"


@model_type(Registration, name=TYPE_NAME, description="公开亮相登记")
class DiscoveryRegistrationType(DistrictNode):
    source: RegistrationSource
    community: PartyOrgType = strawberry_django.field(description="登记的社区党组织")
    registered_on: date
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="本区党员; null for a person not on the roll, or outside your scope.",
    )
    name: str
    relation_location: str = strawberry_django.field(description="组织关系所在 (free text)")
    placed_on: date | None = strawberry_django.field(description="纳入管理日期")
    placed_in: PartyOrgType | None = strawberry_django.field(description="纳入管理的党组织")
    left_on: date | None = strawberry_django.field(description="迁离日期")
    notes: str

    # Permission rule: visible within the subtree of the community where the person registered.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Registration], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(only=["id_number_masked"], description="Masked: 110***********1234.")
    def id_number(self, root: strawberry.Parent[Registration]) -> str:
        return root.id_number_masked

    @strawberry_django.field(only=["phone_masked"], description="Masked: 138****1234.")
    def phone(self, root: strawberry.Parent[Registration]) -> str:
        return root.phone_masked

    @strawberry_django.field(only=["category_hint"], description="党员类别 (预判), if known.")
    def category_hint(self, root: strawberry.Parent[Registration]) -> MemberCategory | None:
        return MemberCategory(root.category_hint) if root.category_hint else None

    @strawberry_django.field(only=["placed_on"], description="Placed under the community.")
    def placed(self, root: strawberry.Parent[Registration]) -> bool:
        return root.placed_on is not None

    @strawberry_django.field(only=["placed_on", "left_on"])
    def status(self, root: strawberry.Parent[Registration]) -> DiscoveryStatus:
        if root.left_on is not None:
            return DiscoveryStatus.LEFT
        if root.placed_on is not None:
            return DiscoveryStatus.PLACED
        return DiscoveryStatus.OPEN


@strawberry.type
class DiscoveryRegistrationPayload:
    registration: DiscoveryRegistrationType | None
    errors: list[UserError]


@strawberry.input(description="Either memberId (a member of this district) or name + idNumber.")
class CreateRegistrationInput:
    source: RegistrationSource
    community_id: relay.GlobalID
    registered_on: date
    member_id: relay.GlobalID | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""
    relation_location: str = strawberry.field(
        default="", description="Where the organisational relation currently sits."
    )
    category_hint: MemberCategory | None = None
    notes: str = ""


@strawberry.input(
    description="placedInId defaults to the linked member's org when in the community."
)
class PlaceRegistrationInput:
    id: relay.GlobalID
    placed_on: date
    placed_in_id: relay.GlobalID | None = None
    member_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Link the member record created for this person."
    )


@strawberry.input(description="Omitted fields keep their value; person fields for non-members.")
class UpdateRegistrationInput:
    id: relay.GlobalID
    source: RegistrationSource | None = strawberry.UNSET
    registered_on: date | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    id_number: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    relation_location: str | None = strawberry.UNSET
    category_hint: MemberCategory | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input
class CloseRegistrationInput:
    id: relay.GlobalID
    left_on: date
    note: str = ""


_UPDATABLE = {
    "source": "source",
    "registered_on": "registered_on",
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "relation_location": "relation_location",
    "category_hint": "category_hint",
    "notes": "notes",
}


def _load_writable_registration(info: Info, global_id: relay.GlobalID) -> Registration:
    # The GraphQL type is named DiscoveryRegistration, not after the model (load_node's check).
    pk = decode_node_id(global_id.node_id) if global_id.type_name == TYPE_NAME else None
    registration = (
        Registration.objects.select_related("community").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if registration is None:
        raise not_found("id", "登记")
    check_writable(info, registration.community.path, field="id", what="登记")
    return registration


@strawberry.type
class DiscoveryQuery:
    @page_connection(
        DjangoCursorConnection[DiscoveryRegistrationType],
        permission_classes=[IsDistrictUser],
        description="公开亮相登记, newest first; within = communities in that subtree.",
    )
    def registrations(
        self,
        within: relay.GlobalID | None = None,
        community: relay.GlobalID | None = None,
        registration_source: Annotated[
            RegistrationSource | None, strawberry.argument(name="source")
        ] = None,
        placed: Annotated[
            bool | None,
            strawberry.argument(description="true = placed; false = open (not placed, not left)."),
        ] = None,
        include_left: bool = True,
        registered_from: date | None = None,
        registered_to: date | None = None,
        search: Annotated[str | None, strawberry.argument(description="Part of the name.")] = None,
    ) -> Iterable[DiscoveryRegistrationType]:
        return services.registration_list(  # type: ignore[return-value]
            within=org_scope(within),
            community=org_scope(community),
            source=registration_source,
            placed=placed,
            include_left=include_left,
            registered_from=registered_from,
            registered_to=registered_to,
            search=search,
        )

    @page_connection(
        DjangoCursorConnection[DiscoveryRegistrationType],
        permission_classes=[IsDistrictUser],
        description="Not yet placed (未纳入管理) and not moved away, oldest registration first.",
    )
    def unplaced_registrations(
        self, within: relay.GlobalID | None = None, community: relay.GlobalID | None = None
    ) -> Iterable[DiscoveryRegistrationType]:
        return services.unplaced_registrations(  # type: ignore[return-value]
            within=org_scope(within), community=org_scope(community)
        )


@strawberry.type
class DiscoveryMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="公开亮相: register.")
    def create_registration(
        self, info: Info, input: CreateRegistrationInput
    ) -> DiscoveryRegistrationPayload:
        def create() -> Registration:
            community = load_org(info, input.community_id, "communityId")
            check_writable(info, community.path, field="communityId", what="党组织")
            member = load_member(info, input.member_id, "memberId") if input.member_id else None
            return services.registration_create(
                source=input.source,
                community=community,
                registered_on=input.registered_on,
                person=services.PersonData(
                    member=member,
                    name=input.name,
                    id_number=input.id_number,
                    phone=input.phone,
                    relation_location=input.relation_location,
                    category_hint=input.category_hint or "",
                ),
                notes=input.notes,
            )

        return mutation_payload(DiscoveryRegistrationPayload, "registration", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="纳入管理.")
    def place_registration(
        self, info: Info, input: PlaceRegistrationInput
    ) -> DiscoveryRegistrationPayload:
        def place() -> Registration:
            registration = _load_writable_registration(info, input.id)
            placed_in = (
                load_org(info, input.placed_in_id, "placedInId") if input.placed_in_id else None
            )
            member = load_member(info, input.member_id, "memberId") if input.member_id else None
            return services.registration_place(
                registration=registration,
                placed_on=input.placed_on,
                placed_in=placed_in,
                member=member,
            )

        return mutation_payload(DiscoveryRegistrationPayload, "registration", place)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_registration(
        self, info: Info, input: UpdateRegistrationInput
    ) -> DiscoveryRegistrationPayload:
        def update() -> Registration:
            registration = _load_writable_registration(info, input.id)
            changes = provided(input, _UPDATABLE)
            if "category_hint" in changes:
                changes["category_hint"] = changes["category_hint"] or ""
            for key in ("source", "registered_on"):
                if key in changes and changes[key] is None:
                    del changes[key]  # required fields: null keeps the value
            for key in ("name", "id_number", "phone", "relation_location", "notes"):
                if key in changes and changes[key] is None:
                    changes[key] = ""
            return services.registration_update(registration=registration, changes=changes)

        return mutation_payload(DiscoveryRegistrationPayload, "registration", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="The person moved away (迁离): close."
    )
    def close_registration_as_left(
        self, info: Info, input: CloseRegistrationInput
    ) -> DiscoveryRegistrationPayload:
        return mutation_payload(
            DiscoveryRegistrationPayload,
            "registration",
            lambda: services.registration_close_left(
                registration=_load_writable_registration(info, input.id),
                left_on=input.left_on,
                note=input.note,
            ),
        )
