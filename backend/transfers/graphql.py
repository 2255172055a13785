"""GraphQL for 组织关系转接: QUERIES and MUTATIONS list the root types; api.schema merges them."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from strawberry import relay
from strawberry.extensions.field_extension import FieldExtension, SyncExtensionResolver
from strawberry.types import Info

from backend.access.guards import access_of, check_writable, forbidden
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, not_found
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed
from backend.members.graphql import MemberType
from backend.members.models import Education, Gender, Member, MemberCategory, MemberStatus
from backend.members.services import MemberData
from backend.orgs.graphql import PartyOrgType, load_org, load_writable_org, org_scope
from backend.orgs.models import PartyOrg
from backend.transfers import exchange, selectors, services
from backend.transfers.models import (
    LETTER_VALID_DAYS,
    RelationChange,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferState,
)
from backend.units.graphql import load_unit
from tenants.exchange import district_directory
from tenants.global_ids import decode_node_id
from tenants.models import Dispatch, DispatchState

strawberry.enum(TransferReason, name="RelationTransferReason", description="组织关系转接原因")
strawberry.enum(TransferDirection, name="RelationTransferDirection", description="转出/转入")
strawberry.enum(
    TransferScope, name="RelationTransferScope", description="区内 / 跨区 (平台内) / 平台外"
)
strawberry.enum(
    TransferState,
    name="RelationTransferStatus",
    description="转接状态; 已超期 = pending past the letter's valid_until.",
)

INCOMING = "IncomingRelationTransfer"
WHAT = "组织关系转接"


def _user_name(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _transfer_scope(info: Info) -> Q:
    """A transfer is visible to readers of either org of this district it involves."""
    access = access_of(info)
    return access.read_filter("from_org__path") | access.read_filter("to_org__path")


MEMBER_VISIBLE = "member_in_reader_scope"


class MemberInScope(FieldExtension):
    """A transfer's member resolves to null outside the reader's scope (the member may have
    moved to an org the reader cannot see since): from the list's annotation, or for a transfer a
    mutation just wrote, by one look at the member's org."""

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        member = next_(source, info, **kwargs)
        if member is None:
            return None
        visible = getattr(source, MEMBER_VISIBLE, None)
        if visible is None:
            org_path = PartyOrg.objects.filter(pk=member.org_id).values_list("path", flat=True)
            visible = access_of(info).can_read(str(org_path.first() or "0"))
        return member if visible else None


@model_type(RelationTransfer, name="RelationTransfer", description="组织关系转接记录")
class RelationTransferType(DistrictNode):
    direction: TransferDirection
    scope: TransferScope
    member_name: str = strawberry_django.field(description="姓名 (snapshot)")
    member: MemberType | None = strawberry_django.field(
        extensions=[MemberInScope()],
        description="The member while on this district's roll and in your scope; else null.",
    )
    from_org: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="转出党组织 in this district; null outside"
    )
    from_org_name: str
    from_org_code: str
    to_org: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="转入党组织 in this district; null outside"
    )
    to_org_name: str
    to_org_code: str
    counterpart_district_code: str = strawberry_django.field(description="对方区代码 (跨区)")
    counterpart_district_name: str
    requested_org_code: str = strawberry_django.field(
        description="拟接收党组织代码: the sender's hint, not checked against the other district."
    )
    reason: TransferReason
    note: str
    letter_number: str = strawberry_django.field(description="介绍信编号")
    valid_until: date = strawberry_django.field(description="介绍信有效期至")
    moved_on: date = strawberry_django.field(description="转接日期")
    refused_reason: str = strawberry_django.field(description="退回原因")
    dispatch_id: int | None = strawberry_django.field(description="跨区投递编号")
    created_at: datetime
    answered_at: datetime | None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[RelationTransfer], info: Info, **kwargs: Any) -> Any:
        access = access_of(info)
        # Whether the member (who may have moved on since) is visible, worked out in the same
        # statement, so a page does not load each member's org to check it.
        member_visible = (
            Value(True)
            if access.is_district_admin
            else ExpressionWrapper(access.read_filter("member__org__path"), BooleanField())
        )
        return mark_scoped(
            queryset.filter(_transfer_scope(info)).annotate(**{MEMBER_VISIBLE: member_visible})
        )

    @strawberry_django.field(
        only=["status", "valid_until"], description="状态, with 已超期 computed while pending."
    )
    def status(self, root: strawberry.Parent[RelationTransfer]) -> TransferState:
        return TransferState(root.effective_status())

    @strawberry_django.field(only=["member_id_number_masked"], description="Masked ID number.")
    def member_id_number(self, root: strawberry.Parent[RelationTransfer]) -> str:
        return root.member_id_number_masked

    @strawberry_django.field(select_related=["created_by"], description="经办人")
    def created_by_name(self, root: strawberry.Parent[RelationTransfer]) -> str:
        return _user_name(root.created_by)

    @strawberry_django.field(
        select_related=["answered_by"], only=["answered_by_name"], description="处理人"
    )
    def answered_by_name(self, root: strawberry.Parent[RelationTransfer]) -> str:
        return _user_name(root.answered_by) or root.answered_by_name


@model_type(RelationChange, name="RelationChange", description="组织关系变动记录")
class RelationChangeType(DistrictNode):
    date: date
    from_org: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])
    from_org_name: str
    from_org_code: str
    from_district_name: str = strawberry_django.field(description="原所在区; empty = this one")
    to_org: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])
    to_org_name: str
    to_org_code: str
    to_district_name: str = strawberry_django.field(description="现所在区; empty = this one")
    reason: TransferReason
    note: str
    carried: bool = strawberry_django.field(description="外区带入: history from another district")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[RelationChange], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("member__org__path")))

    @strawberry_django.field(select_related=["transfer"], description="介绍信编号, if any")
    def letter_number(self, root: strawberry.Parent[RelationChange]) -> str:
        return root.transfer.letter_number if root.transfer is not None else ""


@strawberry.type(name="CarriedRelationChange", description="转出方带来的组织关系变动记录")
class CarriedRelationChangeType:
    date: date
    from_district_name: str
    from_org_name: str
    to_district_name: str
    to_org_name: str
    reason: TransferReason
    note: str


def _incoming_state(dispatch: Dispatch) -> TransferState:
    if dispatch.state == DispatchState.SENT:
        expired = exchange.payload_valid_until(dispatch.payload) < date.today()
        return TransferState.EXPIRED if expired else TransferState.PENDING
    return {
        DispatchState.ACCEPTED: TransferState.ACCEPTED,
        DispatchState.REFUSED: TransferState.REFUSED,
        DispatchState.WITHDRAWN: TransferState.WITHDRAWN,
    }.get(DispatchState(dispatch.state), TransferState.PENDING)


def _person(dispatch: Dispatch) -> dict[str, Any]:
    person: dict[str, Any] = dispatch.payload.get("member", {})
    return person


@model_type(
    Dispatch,
    name=INCOMING,
    description="跨区转入: a relation transfer another district sent here (district admins).",
)
class IncomingRelationTransferType(DistrictNode):
    sent_at: datetime
    answered_at: datetime | None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Dispatch], info: Info, **kwargs: Any) -> Any:
        # Not tied to an org of this district until accepted: district admins only.
        if not access_of(info).is_district_admin:
            return queryset.none()
        incoming = exchange.incoming_transfers().values("pk")
        return queryset.filter(pk__in=incoming)

    @strawberry_django.field(only=["state", "payload"])
    def status(self, root: strawberry.Parent[Dispatch]) -> TransferState:
        return _incoming_state(root)

    @strawberry_django.field(select_related=["sender"])
    def sender_district_code(self, root: strawberry.Parent[Dispatch]) -> str:
        return root.sender.code

    @strawberry_django.field(select_related=["sender"])
    def sender_district_name(self, root: strawberry.Parent[Dispatch]) -> str:
        return root.sender.name

    @strawberry_django.field(only=["payload"])
    def member_name(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(_person(root).get("name", ""))

    @strawberry_django.field(only=["payload"], description="Masked ID number.")
    def member_id_number(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(_person(root).get("id_number_masked", ""))

    @strawberry_django.field(only=["payload"])
    def gender(self, root: strawberry.Parent[Dispatch]) -> Gender:
        return Gender(_person(root)["gender"])

    @strawberry_django.field(only=["payload"])
    def birth_date(self, root: strawberry.Parent[Dispatch]) -> date:
        return date.fromisoformat(_person(root)["birth_date"])

    @strawberry_django.field(only=["payload"])
    def education(self, root: strawberry.Parent[Dispatch]) -> Education:
        return Education(_person(root)["education"])

    @strawberry_django.field(only=["payload"], description="入党日期")
    def joined_on(self, root: strawberry.Parent[Dispatch]) -> date:
        return date.fromisoformat(_person(root)["joined_on"])

    @strawberry_django.field(only=["payload"])
    def member_status(self, root: strawberry.Parent[Dispatch]) -> MemberStatus:
        return MemberStatus(_person(root)["status"])

    @strawberry_django.field(only=["payload"])
    def category(self, root: strawberry.Parent[Dispatch]) -> MemberCategory:
        return MemberCategory(_person(root)["category"])

    @strawberry_django.field(only=["payload"], description="转出党组织")
    def from_org_name(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(root.payload.get("from_org", {}).get("name", ""))

    @strawberry_django.field(only=["payload"])
    def from_org_code(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(root.payload.get("from_org", {}).get("code", ""))

    @strawberry_django.field(only=["payload"], description="拟接收党组织代码 (a hint)")
    def requested_org_code(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(root.payload.get("requested_org_code", ""))

    @strawberry_django.field(only=["payload"])
    def reason(self, root: strawberry.Parent[Dispatch]) -> TransferReason:
        value = root.payload.get("reason")
        return TransferReason(value) if value in TransferReason.values else TransferReason.OTHER

    @strawberry_django.field(only=["payload"])
    def note(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(root.payload.get("note", ""))

    @strawberry_django.field(only=["payload"], description="介绍信编号")
    def letter_number(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(root.payload.get("letter_number", ""))

    @strawberry_django.field(only=["payload"])
    def moved_on(self, root: strawberry.Parent[Dispatch]) -> date:
        return date.fromisoformat(root.payload["moved_on"])

    @strawberry_django.field(only=["payload"])
    def valid_until(self, root: strawberry.Parent[Dispatch]) -> date:
        return exchange.payload_valid_until(root.payload)

    @strawberry_django.field(only=["reply"], description="退回原因 / 撤回原因")
    def answer_reason(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(root.reply.get("reason") or root.reply.get("withdrawn_reason") or "")

    @strawberry_django.field(only=["payload"], description="转出方带来的变动记录")
    def history(self, root: strawberry.Parent[Dispatch]) -> list[CarriedRelationChangeType]:
        return [
            CarriedRelationChangeType(
                date=date.fromisoformat(entry["date"]),
                from_district_name=entry.get("from_district_name", ""),
                from_org_name=entry.get("from_org_name", ""),
                to_district_name=entry.get("to_district_name", ""),
                to_org_name=entry.get("to_org_name", ""),
                reason=TransferReason(entry["reason"])
                if entry.get("reason") in TransferReason.values
                else TransferReason.OTHER,
                note=entry.get("note", ""),
            )
            for entry in root.payload.get("history", [])
        ]


@strawberry.type(name="TransferDistrict", description="平台上的其他区 (跨区转接的对象)")
class TransferDistrictType:
    code: str
    name: str


@strawberry.type
class RelationTransferPayload:
    transfer: RelationTransferType | None
    errors: list[UserError]


@strawberry.type
class RelationMovePayload:
    transfer: RelationTransferType | None = strawberry.field(
        description="The transfer: completed at once when you may write both orgs, else pending."
    )
    errors: list[UserError]


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
        RelationTransfer.objects.filter(pk=pk).filter(_transfer_scope(info)).first()
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
