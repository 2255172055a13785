"""GraphQL for 干部下基层: QUERIES and MUTATIONS list its root types; api.schema merges them."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import ScopedRelation, mark_scoped
from backend.campaigns.graphql import CampaignType, load_campaign
from backend.campaigns.models import Campaign
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.fields import model_type
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import DistrictNode, load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.members.graphql import MemberType
from backend.members.models import Member
from backend.orgs.graphql import PartyOrgType, load_writable_org, org_scope
from backend.secondments import selectors, services
from backend.secondments.models import Secondment
from backend.units.graphql import UnitType, load_unit

WHAT = "干部下派记录"


@model_type(
    Secondment, name="Secondment", description="干部下基层: a cadre seconded to a community."
)
class SecondmentType(DistrictNode):
    cadre_name: str = strawberry_django.field(description="干部姓名, kept when the member leaves.")
    rank: str = strawberry_django.field(description="职级, e.g. 科级, 处级")
    title: str = strawberry_django.field(description="职务")
    started_on: date = strawberry_django.field(description="下派日期")
    planned_end_on: date = strawberry_django.field(description="计划结束日期")
    ended_on: date | None = strawberry_django.field(description="实际结束日期; null while serving")
    tasks: str = strawberry_django.field(description="蹲点任务")
    summary: str = strawberry_django.field(description="工作小结")
    cadre: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        description="The cadre's member record; null if gone or outside your scope.",
    )
    home_unit: UnitType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="派出单位; null outside your scope"
    )
    community: PartyOrgType = strawberry_django.field(description="下派社区")
    campaign: CampaignType = strawberry_django.field(description="活动载体, e.g. 百名干部进社区")

    # Permission rule: a secondment is the community's record, visible in the community's subtree.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Secondment], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(
        only=["started_on", "ended_on"], description="Serving today: started and not ended."
    )
    def is_active(self, root: strawberry.Parent[Secondment]) -> bool:
        return root.started_on <= date.today() and root.ended_on is None


@strawberry.type
class SecondmentPayload:
    secondment: SecondmentType | None
    errors: list[UserError]


@strawberry.input(description="A period of days, both ends included.")
class SecondmentPeriodInput:
    first_day: date
    last_day: date


@strawberry.input
class SecondCadreInput:
    cadre_id: relay.GlobalID = strawberry.field(description="The cadre (an in-service member).")
    community_id: relay.GlobalID
    campaign_id: relay.GlobalID = strawberry.field(
        description="干部下基层 or one of its children, e.g. 百名干部进社区."
    )
    started_on: date
    planned_end_on: date
    rank: str = ""
    title: str = ""
    home_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="派出单位; the cadre's work unit when omitted."
    )
    tasks: str = ""
    ended_on: date | None = strawberry.field(
        default=None, description="To record a secondment that has already ended."
    )
    summary: str = ""


@strawberry.input(description="Omitted fields keep their value; homeUnitId: null clears it.")
class UpdateSecondmentInput:
    id: relay.GlobalID
    community_id: relay.GlobalID | None = strawberry.UNSET
    campaign_id: relay.GlobalID | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    planned_end_on: date | None = strawberry.UNSET
    rank: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    home_unit_id: relay.GlobalID | None = strawberry.UNSET
    tasks: str | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET


@strawberry.input
class EndSecondmentInput:
    id: relay.GlobalID
    ended_on: date
    summary: str = ""


_UPDATABLE = {
    "started_on": "started_on",
    "planned_end_on": "planned_end_on",
    "rank": "rank",
    "title": "title",
    "tasks": "tasks",
    "summary": "summary",
}


def load_cadre(info: Info, global_id: relay.GlobalID, field: str) -> Member:
    """A member the user may see; anything else is NOT_FOUND."""
    member = load_node(Member, global_id, field=field, what="党员")
    check_readable(info, member.org.path, field=field, what="党员")
    return member


def load_writable_secondment(info: Info, global_id: relay.GlobalID, field: str) -> Secondment:
    secondment = load_node(Secondment, global_id, field=field, what=WHAT)
    check_readable(info, secondment.community.path, field=field, what=WHAT)
    check_writable(info, secondment.community.path, field=field, what=WHAT)
    return secondment


def _campaign_filter(global_id: relay.GlobalID | None) -> Campaign | None:
    """A campaign used as a filter; an unknown ID filters to nothing rather than erroring."""
    if global_id is None:
        return None
    pk = node_pk(global_id, Campaign)
    found = Campaign.objects.filter(pk=pk).first() if pk is not None else None
    return found or Campaign(pk=0)  # no secondment has campaign 0


@strawberry.type
class SecondmentsQuery:
    @page_connection(
        DjangoCursorConnection[SecondmentType],
        permission_classes=[IsDistrictUser],
        description="干部下派, latest first; within = communities in that subtree.",
    )
    def secondments(
        self,
        within: relay.GlobalID | None = None,
        campaign: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="This campaign or one directly under it."),
        ] = None,
        active: Annotated[
            bool | None, strawberry.argument(description="Serving today (true) or not (false).")
        ] = None,
        period: Annotated[
            SecondmentPeriodInput | None,
            strawberry.argument(description="Serving on at least one day of the period."),
        ] = None,
    ) -> Iterable[SecondmentType]:
        return selectors.secondment_list(  # type: ignore[return-value]
            within=org_scope(within),
            campaign=_campaign_filter(campaign),
            active=active,
            period=(period.first_day, period.last_day) if period else None,
        )

    @page_connection(
        DjangoCursorConnection[PartyOrgType],
        permission_classes=[IsDistrictUser],
        description=(
            "Communities with no seconded cadre serving on `on` (default today), in tree order:"
            " where the next wave should go."
        ),
    )
    def communities_without_seconded_cadre(
        self,
        within: relay.GlobalID | None = None,
        campaign: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Count only cadres of this campaign (or under it)."),
        ] = None,
        on: date | None = None,
    ) -> Iterable[PartyOrgType]:
        return selectors.communities_without_cadre(  # type: ignore[return-value]
            within=org_scope(within),
            campaign=_campaign_filter(campaign),
            on=on,
        )


@strawberry.type
class SecondmentsMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Second a cadre to a community (干部下基层); needs write access to it.",
    )
    def second_cadre(self, info: Info, input: SecondCadreInput) -> SecondmentPayload:
        def create() -> Secondment:
            community = load_writable_org(info, input.community_id, "communityId")
            return services.secondment_create(
                data=services.SecondmentData(
                    cadre=load_cadre(info, input.cadre_id, "cadreId"),
                    community=community,
                    campaign=load_campaign(input.campaign_id, "campaignId"),
                    started_on=input.started_on,
                    planned_end_on=input.planned_end_on,
                    rank=input.rank,
                    title=input.title,
                    home_unit=(
                        load_unit(info, input.home_unit_id, "homeUnitId")
                        if input.home_unit_id
                        else None
                    ),
                    tasks=input.tasks,
                    ended_on=input.ended_on,
                    summary=input.summary,
                )
            )

        return mutation_payload(SecondmentPayload, "secondment", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_secondment(self, info: Info, input: UpdateSecondmentInput) -> SecondmentPayload:
        def update() -> Secondment:
            secondment = load_writable_secondment(info, input.id, "id")
            changes = {k: v for k, v in provided(input, _UPDATABLE).items() if v is not None}
            if input.community_id:
                changes["community"] = load_writable_org(info, input.community_id, "communityId")
            if input.campaign_id:
                changes["campaign"] = load_campaign(input.campaign_id, "campaignId")
            if input.home_unit_id is not strawberry.UNSET:
                gid = input.home_unit_id
                changes["home_unit"] = load_unit(info, gid, "homeUnitId") if gid else None
            return services.secondment_update(secondment=secondment, changes=changes)

        return mutation_payload(SecondmentPayload, "secondment", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="The cadre returns to their unit; the summary records the work done.",
    )
    def end_secondment(self, info: Info, input: EndSecondmentInput) -> SecondmentPayload:
        return mutation_payload(
            SecondmentPayload,
            "secondment",
            lambda: services.secondment_end(
                secondment=load_writable_secondment(info, input.id, "id"),
                ended_on=input.ended_on,
                summary=input.summary,
            ),
        )


QUERIES: tuple[type, ...] = (SecondmentsQuery,)
MUTATIONS: tuple[type, ...] = (SecondmentsMutation,)
