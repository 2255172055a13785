"""GraphQL types and loaders of activities and volunteer teams."""

from datetime import date, time
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.access.relations import ScopedRelation, mark_scoped
from backend.activities.models import (
    Activity,
    ActivityParticipation,
    ActivityUnit,
    TeamRole,
    VolunteerTeam,
    VolunteerTeamMembership,
)
from backend.campaigns.graphql import CampaignThemeType, CampaignType
from backend.cobuilding.models import CoBuildingPair
from backend.common.graphql.errors import not_found
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode, load_node
from backend.councils.models import Council
from backend.members.graphql import MemberType
from backend.members.models import MemberCategory
from backend.orgs.graphql import PartyOrgType
from backend.units.graphql import UnitType

strawberry.enum(TeamRole, name="VolunteerTeamRole", description="志愿者服务队角色")


def _global_id(type_name: str, pk: int | None) -> relay.GlobalID | None:
    return relay.GlobalID(type_name, str(pk)) if pk is not None else None


@model_type(VolunteerTeam, name="VolunteerTeam", description="志愿者服务队")
class VolunteerTeamType(DistrictNode):
    name: str
    service_area: str = strawberry_django.field(description="服务范围")
    description: str
    founded_on: date
    dissolved_on: date | None = strawberry_django.field(description="解散日期; null while active")
    org: PartyOrgType = strawberry_django.field(description="组建党组织 (anchors the scope)")
    unit: UnitType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="组建单位, when a unit's organisation formed it"
    )

    # Permission rule: a team is visible within the subtree holding its forming org.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[VolunteerTeam], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("org__path")))

    @strawberry_django.field(only=["dissolved_on"], description="Not dissolved.")
    def is_active(self, root: strawberry.Parent[VolunteerTeam]) -> bool:
        return root.dissolved_on is None

    @strawberry_django.field(
        annotate={
            "current_member_count": Count(
                "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
            )
        },
        description="队员 now in the team.",
    )
    def member_count(self, root: strawberry.Parent[VolunteerTeam]) -> int:
        if not hasattr(root, "current_member_count"):  # a mutation's object, not annotated
            return root.memberships.filter(left_on__isnull=True).count()
        return int(root.current_member_count)


@model_type(Activity, name="Activity", description="活动")
class ActivityType(DistrictNode):
    title: str
    occurred_on: date = strawberry_django.field(description="活动日期")
    starts_at: time | None = strawberry_django.field(description="开始时间")
    duration_hours: Decimal | None = strawberry_django.field(description="时长 (小时)")
    place: str
    description: str
    cancelled_on: date | None = strawberry_django.field(
        description="取消日期; null unless cancelled"
    )
    cancel_reason: str
    org: PartyOrgType = strawberry_django.field(description="组织党组织 (anchors the scope)")
    campaign: CampaignType | None = strawberry_django.field(description="活动载体")
    theme: CampaignThemeType | None = strawberry_django.field(description="主题")
    volunteer_team: VolunteerTeamType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        select_related=["volunteer_team__org"],
        description="志愿者服务队 that served; null outside your scope",
    )
    units: list["ActivityUnitType"] = strawberry_django.field(
        field_name="unit_participations", description="参与单位"
    )

    # Permission rule: an activity is visible within the subtree holding its organiser.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Activity], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("org__path")))

    @strawberry_django.field(only=["pair_id"], description="The CoBuildingPair it happened under.")
    def pair_id(self, root: strawberry.Parent[Activity]) -> relay.GlobalID | None:
        return _global_id("CoBuildingPair", root.pair_id)

    @strawberry_django.field(only=["council_id"], description="The Council it happened under.")
    def council_id(self, root: strawberry.Parent[Activity]) -> relay.GlobalID | None:
        return _global_id("Council", root.council_id)

    @strawberry_django.field(only=["cancelled_on"])
    def is_cancelled(self, root: strawberry.Parent[Activity]) -> bool:
        return root.cancelled_on is not None

    @strawberry_django.field(
        annotate={"participant_total": Count("participations", distinct=True)},
        description="参与党员人数",
    )
    def participant_count(self, root: strawberry.Parent[Activity]) -> int:
        if not hasattr(root, "participant_total"):  # a mutation's object, not annotated
            return root.participations.count()
        return int(root.participant_total)

    @strawberry_django.field(
        annotate={"hours_total": Coalesce(Sum("participations__hours"), Decimal(0))},
        description="党员服务时长合计 (小时)",
    )
    def service_hours(self, root: strawberry.Parent[Activity]) -> Decimal:
        if not hasattr(root, "hours_total"):  # a mutation's object, not annotated
            total = root.participations.aggregate(total=Sum("hours"))["total"]
            return Decimal(total or 0)
        return Decimal(root.hours_total)


@model_type(ActivityParticipation, name="ActivityParticipation", description="活动参与党员")
class ActivityParticipantType(DistrictNode):
    hours: Decimal = strawberry_django.field(description="服务时长 (小时)")
    occurred_on: date
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        select_related=["member__org"],
        description="null outside your scope",
    )
    activity: ActivityType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        select_related=["activity__org"],
        description="null outside your scope",
    )

    # Permission rule: visible to readers of the activity's organiser and of the member's org.
    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[ActivityParticipation], info: Info, **kwargs: Any
    ) -> Any:
        access = access_of(info)
        scope = access.read_filter("activity__org__path") | access.read_filter("member__org__path")
        return mark_scoped(queryset.filter(scope))


@model_type(ActivityUnit, name="ActivityUnit", description="活动参与单位")
class ActivityUnitType(DistrictNode):
    hours: Decimal | None = strawberry_django.field(description="服务时长 (小时)")
    people: int | None = strawberry_django.field(description="参与人数")
    unit: UnitType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="null outside your scope"
    )

    # Permission rule: read through its activity.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[ActivityUnit], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("activity__org__path")))


@model_type(VolunteerTeamMembership, name="VolunteerTeamMembership", description="志愿者服务队队员")
class VolunteerTeamMemberType(DistrictNode):
    role: TeamRole
    joined_on: date
    left_on: date | None = strawberry_django.field(description="退出日期; null while in the team")
    team: VolunteerTeamType
    member: MemberType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        select_related=["member__org"],
        description="null outside your scope",
    )

    # Permission rule: visible with the team (its forming org's subtree).
    @classmethod
    def get_queryset(
        cls, queryset: QuerySet[VolunteerTeamMembership], info: Info, **kwargs: Any
    ) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("team__org__path")))


@strawberry.type(name="ActivityParticipationByCategory", description="参与率 figures of a category")
class ParticipationByCategory:
    category: MemberCategory
    members: int = strawberry.field(description="Members in the subtree (now).")
    participants: int = strawberry.field(description="Of them, with an activity in the period.")
    hours: Decimal = strawberry.field(description="Their service hours in the period.")


def load_activity(info: Info, global_id: relay.GlobalID, field: str) -> Activity:
    activity = load_node(Activity, global_id, field=field, what="活动")
    check_readable(info, activity.org.path, field=field, what="活动")
    return activity


def load_writable_activity(info: Info, global_id: relay.GlobalID, field: str) -> Activity:
    activity = load_activity(info, global_id, field)
    check_writable(info, activity.org.path, field=field, what="活动")
    return activity


def load_team(info: Info, global_id: relay.GlobalID, field: str) -> VolunteerTeam:
    team = load_node(VolunteerTeam, global_id, field=field, what="志愿者服务队")
    check_readable(info, team.org.path, field=field, what="志愿者服务队")
    return team


def load_writable_team(info: Info, global_id: relay.GlobalID, field: str) -> VolunteerTeam:
    team = load_team(info, global_id, field)
    check_writable(info, team.org.path, field=field, what="志愿者服务队")
    return team


def load_team_member(info: Info, global_id: relay.GlobalID, field: str) -> VolunteerTeamMembership:
    membership = load_node(VolunteerTeamMembership, global_id, field=field, what="队员")
    check_readable(info, membership.team.org.path, field=field, what="队员")
    check_writable(info, membership.team.org.path, field=field, what="队员")
    return membership


def _party_paths(pair: CoBuildingPair) -> list[str]:
    orgs = [pair.a_org, pair.b_org]
    orgs += [u.covering_org for u in (pair.a_unit, pair.b_unit) if u is not None]
    return [org.path for org in orgs if org is not None]


def load_pair(info: Info, global_id: relay.GlobalID, field: str) -> CoBuildingPair:
    """A pair the user sees: one of its sides is in the reader's scope."""
    pair = load_node(CoBuildingPair, global_id, field=field, what="共建对子")
    access = access_of(info)
    if not access.is_district_admin and not any(access.can_read(p) for p in _party_paths(pair)):
        raise not_found(field, "共建对子")
    return pair


def load_council(info: Info, global_id: relay.GlobalID, field: str) -> Council:
    """A council the user sees: its host org is in the reader's scope (or above it)."""
    council = load_node(Council, global_id, field=field, what="三会一站")
    access = access_of(info)
    host = council.host_org.path
    above = any(p.startswith(f"{host}.") for p in (access.read_paths or ()))
    if not (access.is_district_admin or access.can_read(host) or above):
        raise not_found(field, "三会一站")
    return council
