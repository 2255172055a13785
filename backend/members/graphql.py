from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db import transaction
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, user_errors
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed
from backend.members import selectors, services, unmask
from backend.members.models import Education, Gender, Member, MemberCategory, MemberStatus
from backend.orgs.graphql import PartyOrgType, load_org, load_writable_org, org_scope
from backend.orgs.models import PartyOrg
from backend.transfers.models import TransferReason
from backend.transfers.services import relation_move
from backend.units.graphql import UnitType, load_unit

strawberry.enum(Gender, name="Gender", description="性别")
strawberry.enum(MemberCategory, name="MemberCategory", description="党员类别")
strawberry.enum(MemberStatus, name="MemberStatus", description="党员状态")
strawberry.enum(Education, name="Education", description="学历")


@model_type(Member, name="Member", description="党员")
class MemberType(DistrictNode):
    name: str
    gender: Gender
    birth_date: date
    education: Education
    joined_on: date = strawberry_django.field(description="入党日期")
    status: MemberStatus
    category: MemberCategory
    org: PartyOrgType = strawberry_django.field(description="组织关系所在党组织")
    residence_community: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="居住社区 (in-service members report there); null outside your scope",
    )
    work_unit: UnitType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="工作单位; null outside your scope"
    )

    # Permission rule: a member is visible within the subtree that holds their organisational
    # relation (党内统计), which is also where they are counted.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Member], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("org__path")))

    # The masked forms are stored: a page of members decrypts nothing.
    @strawberry_django.field(only=["id_number_masked"], description="Masked: 110***********1234.")
    def id_number(self, root: strawberry.Parent[Member]) -> str:
        return root.id_number_masked

    @strawberry_django.field(only=["phone_masked"], description="Masked: 138****1234.")
    def phone(self, root: strawberry.Parent[Member]) -> str:
        return root.phone_masked


@strawberry.type
class MemberPayload:
    member: MemberType | None
    errors: list[UserError]


@strawberry.input
class CreateMemberInput:
    name: str
    id_number: str
    education: Education
    joined_on: date
    status: MemberStatus
    category: MemberCategory
    org_id: relay.GlobalID
    gender: Gender | None = strawberry.field(
        default=None, description="Taken from the ID number when omitted."
    )
    birth_date: date | None = strawberry.field(
        default=None, description="Taken from the ID number when omitted."
    )
    phone: str = ""
    residence_community_id: relay.GlobalID | None = None
    work_unit_id: relay.GlobalID | None = None


@strawberry.input(description="Omitted fields keep their value; a null reference clears it.")
class UpdateMemberInput:
    id: relay.GlobalID
    name: str | None = strawberry.UNSET
    id_number: str | None = strawberry.UNSET
    education: Education | None = strawberry.UNSET
    joined_on: date | None = strawberry.UNSET
    status: MemberStatus | None = strawberry.UNSET
    category: MemberCategory | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    org_id: relay.GlobalID | None = strawberry.UNSET
    residence_community_id: relay.GlobalID | None = strawberry.UNSET
    work_unit_id: relay.GlobalID | None = strawberry.UNSET


_UPDATABLE = {
    "name": "name",
    "id_number": "id_number",
    "education": "education",
    "joined_on": "joined_on",
    "status": "status",
    "category": "category",
    "phone": "phone",
}


def _optional_refs(info: Info, input_obj: Any) -> dict[str, Any]:
    """Residence community and work unit are references, not writes: being visible is enough."""
    refs: dict[str, Any] = {}
    if input_obj.residence_community_id is not strawberry.UNSET:
        gid = input_obj.residence_community_id
        refs["residence_community"] = load_org(info, gid, "residenceCommunityId") if gid else None
    if input_obj.work_unit_id is not strawberry.UNSET:
        gid = input_obj.work_unit_id
        refs["work_unit"] = load_unit(info, gid, "workUnitId") if gid else None
    return refs


def _relation_adjust(member: Member, org: PartyOrg) -> None:
    """A new org is a move of the organisational relation: it goes through the transfers app, so
    it is recorded in the member's relation history (党组织调整) like every other move."""
    try:
        relation_move(
            member=member, to_org=org, reason=TransferReason.ORG_ADJUSTMENT, on=date.today()
        )
    except ValidationFailed as exc:
        renamed = [replace(e, field="orgId") if e.field == "toOrgId" else e for e in exc.errors]
        raise ValidationFailed(renamed) from None


@strawberry.type
class MembersQuery:
    @page_connection(
        DjangoCursorConnection[MemberType],
        permission_classes=[IsDistrictUser],
        description="党员 ordered by name; within = organisational relation in that subtree.",
    )
    def members(
        self,
        category: MemberCategory | None = None,
        within: relay.GlobalID | None = None,
        search: Annotated[str | None, strawberry.argument(description="Part of the name.")] = None,
        id_number: Annotated[
            str | None, strawberry.argument(description="Exact 18-character ID number.")
        ] = None,
    ) -> Iterable[MemberType]:
        return selectors.member_list(  # type: ignore[return-value]
            category=category, within=org_scope(within), search=search, id_number=id_number
        )


@strawberry.type
class MembersMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def create_member(self, info: Info, input: CreateMemberInput) -> MemberPayload:
        def create() -> Member:
            org = load_writable_org(info, input.org_id, "orgId")
            refs = _optional_refs(info, input)
            return services.member_create(
                data=services.MemberData(
                    name=input.name,
                    id_number=input.id_number,
                    education=input.education,
                    joined_on=input.joined_on,
                    status=input.status,
                    category=input.category,
                    org=org,
                    gender=input.gender,
                    birth_date=input.birth_date,
                    phone=input.phone,
                    residence_community=refs.get("residence_community"),
                    work_unit=refs.get("work_unit"),
                )
            )

        return mutation_payload(MemberPayload, "member", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_member(self, info: Info, input: UpdateMemberInput) -> MemberPayload:
        def update() -> Member:
            member = load_node(Member, input.id, field="id", what="党员")
            check_writable(info, member.org.path, field="id", what="党员")
            changes = {k: v for k, v in provided(input, _UPDATABLE).items() if v is not None}
            new_org = load_writable_org(info, input.org_id, "orgId") if input.org_id else None
            changes.update(_optional_refs(info, input))
            if "id_number" in changes:
                # A new ID number brings its own birth date and sex.
                changes.update(gender=None, birth_date=None)
            with transaction.atomic():
                if changes:
                    member = services.member_update(member=member, changes=changes)
                if new_org is not None and new_org.pk != member.org_id:
                    _relation_adjust(member, new_org)
            return Member.objects.get(pk=member.pk)

        return mutation_payload(MemberPayload, "member", update)


@strawberry.type(description="完整身份信息: shown once, and recorded in the audit trail.")
class RevealPersonalDataPayload:
    id_number: str | None
    phone: str | None
    errors: list[UserError]


@strawberry.type
class UnmaskMutation:
    # Write scope too: a read-only token (a dashboard, a script) never sees full numbers.
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "Reveal a member's full ID number and phone. Needs the unmask permission over the"
            " member's organisation; every reveal and every refusal is audited."
        ),
    )
    def reveal_member_personal_data(
        self, info: Info, id: relay.GlobalID, purpose: str
    ) -> RevealPersonalDataPayload:
        try:
            member = load_node(Member, id, field="id", what="党员")
            check_readable(info, member.org.path, field="id", what="党员")
            revealed = unmask.member_personal_data_reveal(
                member=member,
                purpose=purpose,
                permitted=access_of(info).can_unmask(member.org.path),
            )
        except ValidationFailed as exc:
            return RevealPersonalDataPayload(id_number=None, phone=None, errors=user_errors(exc))
        return RevealPersonalDataPayload(
            id_number=revealed.id_number, phone=revealed.phone, errors=[]
        )
