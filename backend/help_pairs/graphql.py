"""GraphQL for help pairs (结对帮扶): QUERIES and MUTATIONS list the root types that api.schema
merges. Resolvers load, check scope and call one service."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import check_readable, check_writable
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import mutation_payload
from backend.common.graphql.node import load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.help_pairs import selectors, services
from backend.help_pairs.api_types import (
    HelpPairPayload,
    HelpPairType,
    HelpVisitPayload,
    HelpVisitType,
    HouseholdPayload,
    HouseholdType,
)
from backend.help_pairs.models import (
    HelpPair,
    HelpPairEndReason,
    HelpVisit,
    HelpVisitKind,
    Household,
    HouseholdKind,
)
from backend.members.models import Member
from backend.orgs.graphql import load_writable_org, org_scope


def _writable_household(info: Info, global_id: relay.GlobalID, field: str) -> Household:
    household = load_node(Household, global_id, field=field, what="困难户")
    check_writable(info, household.community.path, field=field, what="困难户")
    return household


def _writable_pair(info: Info, global_id: relay.GlobalID, field: str) -> HelpPair:
    pair = load_node(HelpPair, global_id, field=field, what="结对")
    check_writable(info, pair.household.community.path, field=field, what="结对")
    return pair


@strawberry.input
class RegisterHouseholdInput:
    community_id: relay.GlobalID
    head_name: str
    kind: HouseholdKind
    address: str = strawberry.field(description="Building level only, e.g. 3幢2单元.")
    registered_on: date
    size: int = 1
    situation: str = ""
    phone: str = strawberry.field(default="", description="Stored sealed; shown masked.")


@strawberry.input
class CloseHouseholdInput:
    id: relay.GlobalID
    closed_on: date


@strawberry.input
class PairHouseholdInput:
    household_id: relay.GlobalID
    member_id: relay.GlobalID
    start_on: date


@strawberry.input
class UnpairHouseholdInput:
    id: relay.GlobalID = strawberry.field(description="The HelpPair.")
    end_on: date
    end_reason: HelpPairEndReason


@strawberry.input
class LogHelpVisitInput:
    pair_id: relay.GlobalID
    visited_on: date
    kind: HelpVisitKind
    hours: Decimal = Decimal(0)
    amount: Decimal | None = strawberry.field(default=None, description="元; required for money.")
    note: str = ""


@strawberry.type
class HelpPairsQuery:
    @page_connection(
        DjangoCursorConnection[HouseholdType],
        permission_classes=[IsDistrictUser],
        description=(
            "困难户 of the communities in `within`; open: true (default) = not closed;"
            " withoutActivePair: true = the gap list, households nobody helps now."
        ),
    )
    def households(
        self,
        within: relay.GlobalID | None = None,
        kind: HouseholdKind | None = None,
        open: bool | None = True,
        without_active_pair: bool = False,
    ) -> Iterable[HouseholdType]:
        return selectors.household_list(  # type: ignore[return-value]
            within=org_scope(within),
            kind=kind,
            open=open,
            without_active_pair=without_active_pair,
        )

    @page_connection(
        DjangoCursorConnection[HelpPairType],
        permission_classes=[IsDistrictUser],
        description="结对 of households in `within`; active: true = not ended.",
    )
    def help_pairs(
        self,
        within: relay.GlobalID | None = None,
        household_id: relay.GlobalID | None = None,
        active: bool | None = None,
        not_visited_in_days: Annotated[
            int | None,
            strawberry.argument(description="Pairs with no visit in the last N days."),
        ] = None,
    ) -> Iterable[HelpPairType]:
        household = None
        if household_id is not None:
            household = Household(pk=node_pk(household_id, Household) or 0)
        return selectors.pair_list(  # type: ignore[return-value]
            within=org_scope(within),
            household=household,
            active=active,
            not_visited_in_days=max(0, not_visited_in_days)
            if not_visited_in_days is not None
            else None,
        )

    @page_connection(
        DjangoCursorConnection[HelpVisitType],
        permission_classes=[IsDistrictUser],
        description="帮扶记录 in `within` between since and until (inclusive), latest first.",
    )
    def help_visits(
        self,
        within: relay.GlobalID | None = None,
        since: date | None = None,
        until: date | None = None,
        kind: HelpVisitKind | None = None,
    ) -> Iterable[HelpVisitType]:
        return selectors.visit_list(  # type: ignore[return-value]
            within=org_scope(within), since=since, until=until, kind=kind
        )


@strawberry.type
class HelpPairsMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="登记困难户")
    def register_household(self, info: Info, input: RegisterHouseholdInput) -> HouseholdPayload:
        def run() -> Household:
            community = load_writable_org(info, input.community_id, "communityId")
            return services.household_register(
                data=services.HouseholdData(
                    community=community,
                    head_name=input.head_name,
                    kind=input.kind,
                    address=input.address,
                    registered_on=input.registered_on,
                    size=input.size,
                    situation=input.situation,
                    phone=input.phone,
                )
            )

        return mutation_payload(HouseholdPayload, "household", run)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="困难户销户 (ends its active pairs)"
    )
    def close_household(self, info: Info, input: CloseHouseholdInput) -> HouseholdPayload:
        def run() -> Household:
            household = _writable_household(info, input.id, "id")
            return services.household_close(household=household, closed_on=input.closed_on)

        return mutation_payload(HouseholdPayload, "household", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="党员与困难户结对")
    def pair_household(self, info: Info, input: PairHouseholdInput) -> HelpPairPayload:
        def run() -> HelpPair:
            household = _writable_household(info, input.household_id, "householdId")
            member = load_node(Member, input.member_id, field="memberId", what="党员")
            check_readable(info, member.org.path, field="memberId", what="党员")
            return services.pair_create(household=household, member=member, start_on=input.start_on)

        return mutation_payload(HelpPairPayload, "pair", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="结束结对")
    def unpair_household(self, info: Info, input: UnpairHouseholdInput) -> HelpPairPayload:
        def run() -> HelpPair:
            pair = _writable_pair(info, input.id, "id")
            return services.pair_end(pair=pair, end_on=input.end_on, end_reason=input.end_reason)

        return mutation_payload(HelpPairPayload, "pair", run)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="登记帮扶记录")
    def log_help_visit(self, info: Info, input: LogHelpVisitInput) -> HelpVisitPayload:
        def run() -> HelpVisit:
            pair = _writable_pair(info, input.pair_id, "pairId")
            return services.visit_log(
                pair=pair,
                data=services.VisitData(
                    visited_on=input.visited_on,
                    kind=input.kind,
                    hours=input.hours,
                    amount=input.amount,
                    note=input.note,
                ),
            )

        return mutation_payload(HelpVisitPayload, "visit", run)


QUERIES: tuple[type, ...] = (HelpPairsQuery,)
MUTATIONS: tuple[type, ...] = (HelpPairsMutation,)
