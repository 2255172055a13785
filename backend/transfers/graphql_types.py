"""GraphQL types of relation transfers: the district's own records, their history, and what
another district sent (read from the platform's dispatches)."""

from datetime import date, datetime
from typing import Any

import strawberry
import strawberry_django
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from strawberry.extensions.field_extension import FieldExtension, SyncExtensionResolver
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import ScopedRelation, mark_scoped
from backend.common.graphql.errors import UserError
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.members.graphql import MemberType
from backend.members.models import Education, Gender, MemberCategory, MemberStatus
from backend.orgs.graphql import PartyOrgType
from backend.orgs.models import PartyOrg
from backend.transfers import exchange
from backend.transfers.models import (
    RelationChange,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferState,
)
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


def transfer_scope(info: Info) -> Q:
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
            queryset.filter(transfer_scope(info)).annotate(**{MEMBER_VISIBLE: member_visible})
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
