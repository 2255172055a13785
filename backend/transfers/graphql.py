"""GraphQL for 组织关系转接: QUERIES and MUTATIONS list the root types; api.schema merges them."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_writable, forbidden
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import mutation_payload, not_found
from backend.common.graphql.node import load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed
from backend.members.models import Education, Gender, Member, MemberCategory, MemberStatus
from backend.members.services import MemberData
from backend.orgs.graphql import load_org, load_writable_org, org_scope
from backend.orgs.models import PartyOrg
from backend.transfers import exchange, selectors, services
from backend.transfers.graphql_types import (
    INCOMING,
    WHAT,
    IncomingRelationTransferType,
    RelationChangeType,
    RelationMovePayload,
    RelationTransferPayload,
    RelationTransferType,
    TransferDistrictType,
    transfer_scope,
)
from backend.transfers.models import (
    LETTER_VALID_DAYS,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferState,
)
from backend.units.graphql import load_unit
from tenants.exchange import district_directory
from tenants.global_ids import decode_node_id


@strawberry.input
class TransferMemberRelationInput:
    member_id: relay.GlobalID
    to_org_id: relay.GlobalID = strawberry.field(
        description="Any org of this district that holds members; if you cannot write it, the"
        " transfer waits for its admin to accept."
    )
    reason: TransferReason
    note: str = ""
    moved_on: date | None = strawberry.field(default=None, description="Defaults to today.")
    valid_days: int = LETTER_VALID_DAYS


@strawberry.input
class TransferMemberOutInput:
    member_id: relay.GlobalID
    scope: TransferScope = strawberry.field(description="BETWEEN (平台内其他区) or OUTSIDE")
    reason: TransferReason
    target_district_code: str = strawberry.field(default="", description="For BETWEEN.")
    requested_org_code: str = strawberry.field(
        default="", description="For BETWEEN: the receiving org's code there, as a hint."
    )
    outside_org_name: str = strawberry.field(default="", description="For OUTSIDE.")
    letter_number: str = strawberry.field(
        default="", description="For OUTSIDE: an existing letter's number; generated if empty."
    )
    note: str = ""
    moved_on: date | None = None
    valid_days: int = LETTER_VALID_DAYS


@strawberry.input
class AnswerRelationTransferInput:
    id: relay.GlobalID = strawberry.field(
        description="A RelationTransfer (within the district) or an IncomingRelationTransfer."
    )
    to_org_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For an incoming transfer: the receiving org here."
    )


@strawberry.input
class ReceiveMemberFromOutsideInput:
    name: str
    id_number: str
    education: Education
    joined_on: date
    status: MemberStatus
    category: MemberCategory
    org_id: relay.GlobalID
    from_org_name: str = strawberry.field(description="转出党组织 (outside the platform)")
    letter_number: str = strawberry.field(description="介绍信编号")
    reason: TransferReason
    gender: Gender | None = None
    birth_date: date | None = None
    phone: str = ""
    residence_community_id: relay.GlobalID | None = None
    work_unit_id: relay.GlobalID | None = None
    note: str = ""
    moved_on: date | None = None


# ---------------------------------------------------------------------------- loading


def _load_member(info: Info, global_id: relay.GlobalID) -> Member:
    member = load_node(Member, global_id, field="memberId", what="党员")
    check_writable(info, member.org.path, field="memberId", what="党员")
    return member


def _load_transfer(info: Info, global_id: relay.GlobalID) -> RelationTransfer:
    pk = node_pk(global_id, RelationTransfer)
    found = (
        RelationTransfer.objects.filter(pk=pk).filter(transfer_scope(info)).first()
        if pk is not None
        else None
    )
    if found is None:
        raise not_found("id", WHAT)
    return found


def _require_write(info: Info, org: PartyOrg | None) -> None:
    access = access_of(info)
    if not (access.is_district_admin or (org is not None and access.can_write(org.path))):
        raise forbidden("id")


def _incoming_pk(info: Info, global_id: relay.GlobalID) -> int | None:
    """The dispatch an IncomingRelationTransfer ID names; None for any other ID."""
    if global_id.type_name != INCOMING:
        return None
    pk = decode_node_id(global_id.node_id)
    if pk is None or not access_of(info).is_district_admin:
        raise not_found("id", WHAT)
    return pk


def _receiving_org(info: Info, global_id: relay.GlobalID | None) -> PartyOrg:
    if global_id is None:
        raise ValidationFailed.single("toOrgId", "REQUIRED", "请选择接收的党组织。")
    return load_writable_org(info, global_id, "toOrgId")


def _any_org(global_id: relay.GlobalID) -> PartyOrg:
    """The receiving org of a transfer within the district: any org here may be addressed (as on
    a paper introduction letter), even one outside the sender's scope; its admin decides."""
    return load_node(PartyOrg, global_id, field="toOrgId", what="党组织")


# ---------------------------------------------------------------------------- roots


@strawberry.type
class TransfersQuery:
    @page_connection(
        DjangoCursorConnection[RelationTransferType],
        permission_classes=[IsDistrictUser],
        description="组织关系转接记录, newest first; within = either org in that subtree.",
    )
    def relation_transfers(
        self,
        direction: TransferDirection | None = None,
        scope: TransferScope | None = None,
        status: TransferState | None = None,
        reason: TransferReason | None = None,
        within: relay.GlobalID | None = None,
        member_id: relay.GlobalID | None = None,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the name, or a letter number.")
        ] = None,
    ) -> Iterable[RelationTransferType]:
        member = None
        if member_id is not None:
            pk = node_pk(member_id, Member)
            member = Member.objects.filter(pk=pk).first() if pk is not None else None
            member = member or Member(pk=0)
        return selectors.transfer_list(  # type: ignore[return-value]
            direction=direction,
            scope=scope,
            state=status,
            reason=reason,
            within=org_scope(within),
            member=member,
            search=search,
        )

    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def relation_transfer(self, info: Info, id: relay.GlobalID) -> RelationTransferType | None:
        if id.type_name != "RelationTransfer":
            return None
        return RelationTransferType.resolve_node(id.node_id, info=info)

    @strawberry_django.field(
        permission_classes=[IsDistrictUser],
        description="A member's organisational relation history, oldest first (empty if the"
        " member is not visible to you).",
    )
    def member_relation_history(
        self, info: Info, member_id: relay.GlobalID
    ) -> list[RelationChangeType]:
        pk = node_pk(member_id, Member)
        member = (
            Member.objects.filter(pk=pk).filter(access_of(info).read_filter("org__path")).first()
            if pk is not None
            else None
        )
        if member is None:
            return []
        return selectors.member_history(member)  # type: ignore[return-value]

    @page_connection(
        DjangoCursorConnection[IncomingRelationTransferType],
        permission_classes=[IsDistrictUser],
        description="跨区转入: transfers other districts sent here, newest first (district"
        " admins; empty for anyone else).",
    )
    def incoming_relation_transfers(
        self, status: TransferState | None = None
    ) -> Iterable[IncomingRelationTransferType]:
        qs = exchange.incoming_transfers()
        if status is not None:
            qs = qs.filter(exchange.incoming_state_filter(status))
        return qs  # type: ignore[return-value]

    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description="The other districts of the platform a relation may be transferred to.",
    )
    def relation_transfer_districts(self) -> list[TransferDistrictType]:
        return [TransferDistrictType(code=c, name=n) for c, n in district_directory()]


@strawberry.type
class TransfersMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="区内转接: done at once if you may write both orgs, else pending for the"
        " receiving org's admin.",
    )
    def transfer_member_relation(
        self, info: Info, input: TransferMemberRelationInput
    ) -> RelationMovePayload:
        def move() -> RelationTransfer:
            member = _load_member(info, input.member_id)
            to_org = _any_org(input.to_org_id)
            on = input.moved_on or date.today()
            if access_of(info).can_write(to_org.path):
                change = services.relation_move(
                    member=member, to_org=to_org, reason=input.reason, on=on, note=input.note
                )
                assert change.transfer is not None
                return change.transfer
            return services.relation_transfer_request(
                member=member,
                to_org=to_org,
                reason=input.reason,
                on=on,
                note=input.note,
                valid_days=input.valid_days,
            )

        return mutation_payload(RelationMovePayload, "transfer", move)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="转出: to another district of the platform (pending until it answers) or to"
        " an org outside the platform (done at once; the member leaves the roll).",
    )
    def transfer_member_out(
        self, info: Info, input: TransferMemberOutInput
    ) -> RelationTransferPayload:
        def send() -> RelationTransfer:
            member = _load_member(info, input.member_id)
            on = input.moved_on or date.today()
            if input.scope == TransferScope.BETWEEN:
                return exchange.transfer_out_between(
                    member=member,
                    district_code=input.target_district_code,
                    reason=input.reason,
                    on=on,
                    requested_org_code=input.requested_org_code,
                    note=input.note,
                    valid_days=input.valid_days,
                )
            if input.scope == TransferScope.OUTSIDE:
                return services.transfer_out_outside(
                    member=member,
                    org_name=input.outside_org_name,
                    reason=input.reason,
                    on=on,
                    letter_number=input.letter_number,
                    note=input.note,
                )
            raise ValidationFailed.single(
                "scope", "WRONG_SCOPE", "区内转接请使用 transferMemberRelation。"
            )

        return mutation_payload(RelationTransferPayload, "transfer", send)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Accept a pending transfer: within the district (admin of the receiving"
        " org) or an incoming one from another district (district admin, choosing toOrgId).",
    )
    def accept_relation_transfer(
        self, info: Info, input: AnswerRelationTransferInput
    ) -> RelationTransferPayload:
        def accept() -> RelationTransfer:
            dispatch_id = _incoming_pk(info, input.id)
            if dispatch_id is not None:
                exchange.incoming_transfer(dispatch_id)  # NOT_FOUND before the org is checked
                to_org = _receiving_org(info, input.to_org_id)
                return exchange.accept_incoming(dispatch_id=dispatch_id, to_org=to_org)
            transfer = _load_transfer(info, input.id)
            _require_write(info, transfer.to_org)
            return services.relation_transfer_accept(transfer=transfer)

        return mutation_payload(RelationTransferPayload, "transfer", accept)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Refuse (退回) a pending transfer with a reason; the member stays where they"
        " are.",
    )
    def refuse_relation_transfer(
        self, info: Info, id: relay.GlobalID, reason: str
    ) -> RelationTransferPayload:
        def refuse() -> RelationTransfer:
            dispatch_id = _incoming_pk(info, id)
            if dispatch_id is not None:
                return exchange.refuse_incoming(dispatch_id=dispatch_id, reason=reason)
            transfer = _load_transfer(info, id)
            _require_write(info, transfer.to_org)
            return services.relation_transfer_refuse(transfer=transfer, reason=reason)

        return mutation_payload(RelationTransferPayload, "transfer", refuse)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Withdraw (撤回) your pending transfer-out (within or to another district).",
    )
    def withdraw_relation_transfer(
        self, info: Info, id: relay.GlobalID, reason: str = ""
    ) -> RelationTransferPayload:
        def withdraw() -> RelationTransfer:
            transfer = _load_transfer(info, id)
            _require_write(info, transfer.from_org)
            return services.relation_transfer_withdraw(transfer=transfer, reason=reason)

        return mutation_payload(RelationTransferPayload, "transfer", withdraw)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="转入 from an org outside the platform: creates the member (every member"
        " rule applies) with the transfer and the arrival in their history.",
    )
    def receive_member_from_outside(
        self, info: Info, input: ReceiveMemberFromOutsideInput
    ) -> RelationTransferPayload:
        def receive() -> RelationTransfer:
            org = load_writable_org(info, input.org_id, "orgId")
            residence = (
                load_org(info, input.residence_community_id, "residenceCommunityId")
                if input.residence_community_id
                else None
            )
            unit = load_unit(info, input.work_unit_id, "workUnitId") if input.work_unit_id else None
            return services.receive_from_outside(
                data=MemberData(
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
                    residence_community=residence,
                    work_unit=unit,
                ),
                from_org_name=input.from_org_name,
                letter_number=input.letter_number,
                reason=input.reason,
                on=input.moved_on or date.today(),
                note=input.note,
            )

        return mutation_payload(RelationTransferPayload, "transfer", receive)


QUERIES: tuple[type, ...] = (TransfersQuery,)
MUTATIONS: tuple[type, ...] = (TransfersMutation,)
