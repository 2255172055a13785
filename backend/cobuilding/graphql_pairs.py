"""GraphQL for 共建对子: pairs, their commitments and service records.

A pair is visible to readers of either side's anchor org (an org side: the org; a unit side: its
covering org; a unit no org covers: district administrators). Both sides' names are always shown
(`aName`, `bName`: who the partner is is part of the agreement), while the side objects
(`aOrg`, `aUnit`, `bOrg`, `bUnit`) resolve to null outside the reader's scope. Writes need write
access to either side's anchor (and, to create, read access to both)."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, forbidden
from backend.access.relations import ScopedRelation, mark_scoped
from backend.campaigns.graphql import CampaignThemeType, CampaignType, load_campaign
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding import selectors, services
from backend.cobuilding.models import (
    CoBuildingPair,
    PairCommitment,
    PairSide,
    ServiceDirection,
    ServiceRecord,
)
from backend.cobuilding.parties import Party, side_a, side_b
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, not_found
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.orgs.graphql import PartyOrgType, load_org, org_scope
from backend.orgs.models import PartyOrg
from backend.units.graphql import UnitType, load_unit
from backend.units.models import Unit

WHAT = "共建对子"
_SIDES = ("a_org", "a_unit__covering_org", "b_org", "b_unit__covering_org")

strawberry.enum(PairSide, name="CoBuildingPairSide", description="甲方 / 乙方")
strawberry.enum(
    ServiceDirection, name="CoBuildingServiceDirection", description="服务方向: who served whom"
)


@strawberry.enum(name="CoBuildingPairStatus", description="A pair's state today.")
class PairStatusEnum(Enum):
    ACTIVE = selectors.ACTIVE
    UPCOMING = selectors.UPCOMING
    EXPIRED = selectors.EXPIRED
    ENDED = selectors.ENDED


def _pair_scope(access_filter: Any, prefix: str) -> Any:
    return selectors.anchor_filter(lambda field: access_filter(f"{prefix}{field}"))


@model_type(
    PairCommitment, name="CoBuildingCommitment", description="共建承诺: one side's promise."
)
class PairCommitmentType(DistrictNode):
    side: PairSide
    text: str
    position: int

    # Permission rule: visible with its pair.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[PairCommitment], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(
            queryset.filter(_pair_scope(access_of(info).read_filter, "pair__"))
            if access_of(info).read_paths is not None
            else queryset
        )


@model_type(
    ServiceRecord,
    name="CoBuildingServiceRecord",
    description="共建服务记录: one service one side of a pair gave the other.",
)
class ServiceRecordType(DistrictNode):
    served_on: date
    direction: ServiceDirection
    description: str
    hours: Decimal = strawberry_django.field(description="服务时长 (小时)")
    beneficiaries: int | None = strawberry_django.field(description="受益人数, if counted")

    # Permission rule: visible with its pair.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[ServiceRecord], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(
            queryset.filter(_pair_scope(access_of(info).read_filter, "pair__"))
            if access_of(info).read_paths is not None
            else queryset
        )


def _summary(root: CoBuildingPair, name: str) -> Any:
    """Annotated by get_queryset; a pair a mutation just wrote is summed here (one query)."""
    if not hasattr(root, name):
        summed = selectors.with_service_summary(CoBuildingPair.objects.filter(pk=root.pk)).get()
        for field in ("hours_a_to_b", "hours_b_to_a", "service_count"):
            setattr(root, field, getattr(summed, field))
    return getattr(root, name)


def _side_name(root: CoBuildingPair, side: str) -> str:
    """Annotated by get_queryset (so the side objects stay the optimizer's, scoped); a pair a
    mutation just wrote reads its side."""
    annotated = getattr(root, f"{side}_side_name", None)
    if annotated is not None:
        return str(annotated)
    return (side_a(root) if side == "a" else side_b(root)).name


@model_type(CoBuildingPair, name="CoBuildingPair", description="共建对子 between two orgs/units.")
class CoBuildingPairType(DistrictNode):
    a_org: PartyOrgType | None = strawberry_django.field(
        description="甲方 when an org; null if a unit or outside your scope.",
        extensions=[ScopedRelation()],
    )
    a_unit: UnitType | None = strawberry_django.field(
        description="甲方 when a unit; null if an org or outside your scope.",
        extensions=[ScopedRelation()],
    )
    b_org: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])
    b_unit: UnitType | None = strawberry_django.field(extensions=[ScopedRelation()])
    campaign: CampaignType | None = strawberry_django.field(description="活动载体")
    theme: CampaignThemeType | None = strawberry_django.field(description="主题")
    starts_on: date
    ends_on: date
    ended_on: date | None = strawberry_django.field(description="解除日期, if ended early.")
    end_reason: str = strawberry_django.field(description="解除原因")
    renewed_from: "CoBuildingPairType | None" = strawberry_django.field(description="续签自")
    commitments: list[PairCommitmentType] = strawberry_django.field(
        description="共建承诺 of both sides, 甲方 first."
    )
    service_records: list[ServiceRecordType] = strawberry_django.field(
        description="Service records, latest first."
    )

    # Permission rule: visible to readers of either side's anchor org; hours are summed in the
    # same statement.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[CoBuildingPair], info: Info, **kwargs: Any) -> Any:
        scoped = selectors.readable_pairs(queryset, access_of(info))
        return mark_scoped(selectors.with_side_names(selectors.with_service_summary(scoped)))

    @strawberry_django.field(description="甲方's name, even outside your scope.")
    def a_name(self, root: strawberry.Parent[CoBuildingPair]) -> str:
        return _side_name(root, "a")

    @strawberry_django.field(description="乙方's name, even outside your scope.")
    def b_name(self, root: strawberry.Parent[CoBuildingPair]) -> str:
        return _side_name(root, "b")

    @strawberry_django.field(only=["starts_on", "ends_on", "ended_on"])
    def status(self, root: strawberry.Parent[CoBuildingPair]) -> PairStatusEnum:
        return PairStatusEnum(selectors.pair_status(root, date.today()))

    @strawberry_django.field(description="Hours 甲方 served 乙方 (all records).")
    def hours_a_to_b(self, root: strawberry.Parent[CoBuildingPair]) -> Decimal:
        return Decimal(_summary(root, "hours_a_to_b"))

    @strawberry_django.field(description="Hours 乙方 served 甲方 (all records).")
    def hours_b_to_a(self, root: strawberry.Parent[CoBuildingPair]) -> Decimal:
        return Decimal(_summary(root, "hours_b_to_a"))

    @strawberry_django.field(description="Number of service records.")
    def service_count(self, root: strawberry.Parent[CoBuildingPair]) -> int:
        return int(_summary(root, "service_count"))


@strawberry.type
class CoBuildingPairPayload:
    pair: CoBuildingPairType | None
    errors: list[UserError]


@strawberry.type
class PairServicePayload:
    service_record: ServiceRecordType | None
    errors: list[UserError]


@strawberry.input
class PairCommitmentInput:
    side: PairSide
    text: str


@strawberry.input(description="Each side is a PartyOrg or a Unit ID.")
class CreatePairInput:
    a_id: relay.GlobalID
    b_id: relay.GlobalID
    starts_on: date
    ends_on: date
    campaign_id: relay.GlobalID | None = None
    theme_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A theme of the campaign (the campaign defaults to its own)."
    )
    commitments: list[PairCommitmentInput] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Omitted fields keep their value; campaignId/themeId null clears; commitments"
    " replace them all."
)
class UpdatePairInput:
    id: relay.GlobalID
    starts_on: date | None = strawberry.UNSET
    ends_on: date | None = strawberry.UNSET
    campaign_id: relay.GlobalID | None = strawberry.UNSET
    theme_id: relay.GlobalID | None = strawberry.UNSET
    commitments: list[PairCommitmentInput] | None = strawberry.UNSET


@strawberry.input(description="续签: omitted campaign, theme and commitments carry over.")
class RenewPairInput:
    id: relay.GlobalID
    ends_on: date
    starts_on: date | None = strawberry.field(
        default=None, description="Default: the day after the old pair ends."
    )
    campaign_id: relay.GlobalID | None = strawberry.UNSET
    theme_id: relay.GlobalID | None = strawberry.UNSET
    commitments: list[PairCommitmentInput] | None = strawberry.UNSET


@strawberry.input
class EndPairInput:
    id: relay.GlobalID
    ended_on: date
    reason: str


@strawberry.input
class RecordPairServiceInput:
    pair_id: relay.GlobalID
    served_on: date
    direction: ServiceDirection
    description: str
    hours: Decimal
    beneficiaries: int | None = None


def load_party(info: Info, global_id: relay.GlobalID, field: str) -> Party:
    """An org or a unit the user may see; anything else is NOT_FOUND."""
    if global_id.type_name == "PartyOrg":
        return Party(org=load_org(info, global_id, field))
    if global_id.type_name == "Unit":
        return Party(unit=load_unit(info, global_id, field))
    raise not_found(field, "共建方")


def _check_writable_sides(info: Info, parties: Iterable[Party], field: str) -> None:
    """Whoever may write at either side's anchor may write the pair."""
    access = access_of(info)
    if access.is_district_admin:
        return
    for party in parties:
        path = party.anchor_path
        if path is not None and access.can_write(path):
            return
    raise forbidden(field)


def load_pair(info: Info, global_id: relay.GlobalID, field: str) -> CoBuildingPair:
    """A pair the user may see (either side); anything else is NOT_FOUND."""
    pk = node_pk(global_id, CoBuildingPair)
    pair = (
        CoBuildingPair.objects.select_related(
            "a_org", "a_unit__covering_org", "b_org", "b_unit__covering_org"
        )
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if pair is None:
        raise not_found(field, WHAT)
    access = access_of(info)
    paths = [side.anchor_path for side in (side_a(pair), side_b(pair))]
    if not access.is_district_admin and not any(
        p is not None and access.can_read(p) for p in paths
    ):
        raise not_found(field, WHAT)
    return pair


def load_writable_pair(info: Info, global_id: relay.GlobalID, field: str) -> CoBuildingPair:
    pair = load_pair(info, global_id, field)
    _check_writable_sides(info, (side_a(pair), side_b(pair)), field)
    return pair


def _theme(global_id: relay.GlobalID) -> CampaignTheme:
    return load_node(CampaignTheme, global_id, field="themeId", what="主题")


def _commitments(items: list[PairCommitmentInput]) -> tuple[services.CommitmentData, ...]:
    return tuple(services.CommitmentData(side=PairSide(c.side).value, text=c.text) for c in items)


def _campaign_changes(input: UpdatePairInput | RenewPairInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if input.campaign_id is not strawberry.UNSET:
        changes["campaign"] = (
            load_campaign(input.campaign_id, "campaignId") if input.campaign_id else None
        )
    if input.theme_id is not strawberry.UNSET:
        changes["theme"] = _theme(input.theme_id) if input.theme_id else None
    if input.commitments is not strawberry.UNSET:
        changes["commitments"] = _commitments(input.commitments or [])
    return changes


def _party_filter(global_id: relay.GlobalID | None) -> Party | None:
    """A party used as a filter; an unknown or foreign ID filters to nothing."""
    if global_id is None:
        return None
    model: type[PartyOrg] | type[Unit] = Unit if global_id.type_name == "Unit" else PartyOrg
    pk = node_pk(global_id, model) or 0
    return Party(org=PartyOrg(pk=pk)) if model is PartyOrg else Party(unit=Unit(pk=pk))


@strawberry.type
class PairsQuery:
    @page_connection(
        DjangoCursorConnection[CoBuildingPairType],
        permission_classes=[IsDistrictUser],
        description="共建对子, latest first, with the hours served each way.",
    )
    def co_building_pairs(
        self,
        within: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Pairs with a side anchored in this subtree."),
        ] = None,
        party: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Pairs of this org or unit (either side)."),
        ] = None,
        status: PairStatusEnum | None = None,
        campaign: relay.GlobalID | None = None,
        theme: relay.GlobalID | None = None,
        active_on: Annotated[
            date | None, strawberry.argument(description="Pairs running (not ended) that day.")
        ] = None,
    ) -> Iterable[CoBuildingPairType]:
        def by_pk(model: Any, gid: relay.GlobalID | None) -> Any:
            return None if gid is None else model(pk=node_pk(gid, model))

        return selectors.pair_list(  # type: ignore[return-value]
            within=org_scope(within),
            party=_party_filter(party),
            status=status.value if status else None,
            campaign=by_pk(Campaign, campaign),
            theme=by_pk(CampaignTheme, theme),
            active_on=active_on,
        )


@strawberry.type
class PairsMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Pair two orgs/units; you must see both and administer either.",
    )
    def create_pair(self, info: Info, input: CreatePairInput) -> CoBuildingPairPayload:
        def create() -> CoBuildingPair:
            a = load_party(info, input.a_id, "aId")
            b = load_party(info, input.b_id, "bId")
            _check_writable_sides(info, (a, b), "aId")
            return services.pair_create(
                data=services.PairData(
                    a=a,
                    b=b,
                    starts_on=input.starts_on,
                    ends_on=input.ends_on,
                    campaign=load_campaign(input.campaign_id, "campaignId")
                    if input.campaign_id
                    else None,
                    theme=_theme(input.theme_id) if input.theme_id else None,
                    commitments=_commitments(input.commitments),
                )
            )

        return mutation_payload(CoBuildingPairPayload, "pair", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_pair(self, info: Info, input: UpdatePairInput) -> CoBuildingPairPayload:
        def update() -> CoBuildingPair:
            pair = load_writable_pair(info, input.id, "id")
            changes = _campaign_changes(input)
            if input.starts_on:
                changes["starts_on"] = input.starts_on
            if input.ends_on:
                changes["ends_on"] = input.ends_on
            return services.pair_update(pair=pair, changes=changes)

        return mutation_payload(CoBuildingPairPayload, "pair", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="续签: a new pair after the old one."
    )
    def renew_pair(self, info: Info, input: RenewPairInput) -> CoBuildingPairPayload:
        def renew() -> CoBuildingPair:
            pair = load_writable_pair(info, input.id, "id")
            return services.pair_renew(
                pair=pair,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                changes=_campaign_changes(input),
            )

        return mutation_payload(CoBuildingPairPayload, "pair", renew)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="解除: end a pair early.")
    def end_pair(self, info: Info, input: EndPairInput) -> CoBuildingPairPayload:
        return mutation_payload(
            CoBuildingPairPayload,
            "pair",
            lambda: services.pair_end(
                pair=load_writable_pair(info, input.id, "id"),
                ended_on=input.ended_on,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Record a service one side gave the other (双向服务).",
    )
    def record_pair_service(self, info: Info, input: RecordPairServiceInput) -> PairServicePayload:
        return mutation_payload(
            PairServicePayload,
            "service_record",
            lambda: services.service_record(
                pair=load_writable_pair(info, input.pair_id, "pairId"),
                data=services.ServiceData(
                    served_on=input.served_on,
                    direction=ServiceDirection(input.direction).value,
                    description=input.description,
                    hours=input.hours,
                    beneficiaries=input.beneficiaries,
                ),
            ),
        )
