"""GraphQL for 活动: the activities list, participants, a member's activities, the participation
figures, and the mutations that record them."""

from collections.abc import Callable, Iterable
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of
from backend.activities import selectors
from backend.activities.graphql_types import (
    ActivityParticipantType,
    ActivityType,
    ParticipationByCategory,
    load_council,
    load_pair,
    load_team,
    load_writable_activity,
)
from backend.activities.models import Activity, ActivityParticipation
from backend.activities.services import activity as activity_services
from backend.activities.services import participants as participant_services
from backend.campaigns.graphql import load_campaign
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding.models import CoBuildingPair
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.errors import UserError, mutation_payload, not_found
from backend.common.graphql.inputs import provided
from backend.common.graphql.node import load_node, node_pk
from backend.common.graphql.permissions import DISTRICT_WRITE, IsDistrictUser
from backend.common.validation import ValidationFailed
from backend.councils.models import Council
from backend.members.models import Member
from backend.orgs.graphql import load_org, load_writable_org, org_scope
from backend.units.graphql import load_unit


@strawberry.input(description="A period of days, both ends included.")
class ActivityPeriodInput:
    start: date
    end: date


@strawberry.type
class ActivityPayload:
    activity: ActivityType | None
    errors: list[UserError]


@strawberry.input
class CreateActivityInput:
    org_id: relay.GlobalID = strawberry.field(description="组织党组织")
    title: str
    occurred_on: date
    starts_at: time | None = None
    duration_hours: Decimal | None = None
    place: str = ""
    description: str = ""
    campaign_id: relay.GlobalID | None = None
    theme_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A theme of the campaign; alone, it names its campaign too."
    )
    pair_id: relay.GlobalID | None = strawberry.field(default=None, description="共建对子")
    council_id: relay.GlobalID | None = strawberry.field(default=None, description="三会一站")
    volunteer_team_id: relay.GlobalID | None = None


@strawberry.input(description="Omitted fields keep their value; null clears an optional one.")
class UpdateActivityInput:
    id: relay.GlobalID
    title: str | None = strawberry.UNSET
    occurred_on: date | None = strawberry.UNSET
    starts_at: time | None = strawberry.UNSET
    duration_hours: Decimal | None = strawberry.UNSET
    place: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    campaign_id: relay.GlobalID | None = strawberry.UNSET
    theme_id: relay.GlobalID | None = strawberry.UNSET
    pair_id: relay.GlobalID | None = strawberry.UNSET
    council_id: relay.GlobalID | None = strawberry.UNSET
    volunteer_team_id: relay.GlobalID | None = strawberry.UNSET


@strawberry.input
class CancelActivityInput:
    id: relay.GlobalID
    reason: str = ""


@strawberry.input(description="A member taking part, with service hours.")
class ActivityMemberInput:
    member_id: relay.GlobalID
    hours: Decimal = Decimal(0)


@strawberry.input(description="A unit taking part, with hours and people if known.")
class ActivityUnitInput:
    unit_id: relay.GlobalID
    hours: Decimal | None = None
    people: int | None = None


@strawberry.input
class AddActivityParticipantsInput:
    activity_id: relay.GlobalID
    members: list[ActivityMemberInput] = strawberry.field(default_factory=list)
    units: list[ActivityUnitInput] = strawberry.field(default_factory=list)


@strawberry.input
class RemoveActivityParticipantsInput:
    activity_id: relay.GlobalID
    member_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    unit_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)


@strawberry.input
class SetActivityHoursInput:
    activity_id: relay.GlobalID
    members: list[ActivityMemberInput]


def load_participant(info: Info, global_id: relay.GlobalID, field: str) -> Member:
    """A member the user sees: by their organisational relation, or as a resident of a
    community the user reads (in-service members take part where they live)."""
    member = load_node(Member, global_id, field=field, what="党员")
    residence = member.residence_community
    residence_path = residence.path if residence is not None else None
    if not selectors.participant_visible(access_of(info), member.org.path, residence_path):
        raise not_found(field, "党员")
    return member


def _theme(global_id: relay.GlobalID) -> CampaignTheme:
    return load_node(CampaignTheme, global_id, field="themeId", what="主题")


def _optional(global_id: relay.GlobalID | None, loader: Callable[[relay.GlobalID], Any]) -> Any:
    return loader(global_id) if global_id is not None else None


def _references(info: Info, input: Any) -> dict[str, Any]:
    """The objects the input's IDs name (only those sent, for an update); errors collected."""
    loaders: dict[str, tuple[str, Callable[[relay.GlobalID], Any]]] = {
        "campaign": ("campaign_id", lambda g: load_campaign(g, "campaignId")),
        "theme": ("theme_id", _theme),
        "pair": ("pair_id", lambda g: load_pair(info, g, "pairId")),
        "council": ("council_id", lambda g: load_council(info, g, "councilId")),
        "volunteer_team": ("volunteer_team_id", lambda g: load_team(info, g, "volunteerTeamId")),
    }
    found: dict[str, Any] = {}
    errors = []
    for key, (attr, loader) in loaders.items():
        value = getattr(input, attr)
        if value is strawberry.UNSET:
            continue
        try:
            found[key] = _optional(value, loader)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return found


_UPDATABLE = {
    "title": "title",
    "occurred_on": "occurred_on",
    "starts_at": "starts_at",
    "duration_hours": "duration_hours",
    "place": "place",
    "description": "description",
}
_CLEARABLE = frozenset({"starts_at", "duration_hours"})


def _by_pk(global_id: relay.GlobalID | None, model: type[Any]) -> int | None:
    """A filter by ID: a foreign or unknown ID filters to nothing (-1 matches no row)."""
    if global_id is None:
        return None
    return node_pk(global_id, model) or -1


def _campaign_filter(global_id: relay.GlobalID | None) -> Campaign | None:
    if global_id is None:
        return None
    pk = node_pk(global_id, Campaign) or -1
    return Campaign.objects.filter(pk=pk).first() or Campaign(pk=-1)


def _theme_filter(global_id: relay.GlobalID | None) -> CampaignTheme | None:
    if global_id is None:
        return None
    pk = node_pk(global_id, CampaignTheme) or -1
    return CampaignTheme.objects.filter(pk=pk).first() or CampaignTheme(pk=-1)


@strawberry.type
class ActivitiesQuery:
    @page_connection(
        DjangoCursorConnection[ActivityType],
        permission_classes=[IsDistrictUser],
        description="活动, newest first; within = organised in that subtree.",
    )
    def activities(
        self,
        within: relay.GlobalID | None = None,
        campaign: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Includes its sub-campaigns' activities."),
        ] = None,
        theme: relay.GlobalID | None = None,
        period: ActivityPeriodInput | None = None,
        pair: relay.GlobalID | None = None,
        council: relay.GlobalID | None = None,
        volunteer_team: relay.GlobalID | None = None,
        include_cancelled: bool = False,
    ) -> Iterable[ActivityType]:
        from backend.activities.models import VolunteerTeam

        team = None
        if volunteer_team is not None:
            pk = node_pk(volunteer_team, VolunteerTeam) or -1
            team = VolunteerTeam.objects.filter(pk=pk).first() or VolunteerTeam()
        return selectors.activity_list(  # type: ignore[return-value]
            within=org_scope(within),
            campaign=_campaign_filter(campaign),
            theme=_theme_filter(theme),
            start=period.start if period else None,
            end=period.end if period else None,
            pair_id=_by_pk(pair, CoBuildingPair),
            council_id=_by_pk(council, Council),
            team=team,
            include_cancelled=include_cancelled,
        )

    @page_connection(
        DjangoCursorConnection[ActivityParticipantType],
        permission_classes=[IsDistrictUser],
        description="参与党员 of an activity.",
    )
    def activity_participants(self, activity: relay.GlobalID) -> Iterable[ActivityParticipantType]:
        pk = node_pk(activity, Activity) or -1
        return ActivityParticipation.objects.filter(activity_id=pk).order_by(  # type: ignore[return-value]
            "id"
        )

    @page_connection(
        DjangoCursorConnection[ActivityParticipantType],
        permission_classes=[IsDistrictUser],
        description="A member's activities, newest first.",
    )
    def member_activities(
        self, member: relay.GlobalID, period: ActivityPeriodInput | None = None
    ) -> Iterable[ActivityParticipantType]:
        pk = node_pk(member, Member) or -1
        qs = ActivityParticipation.objects.filter(member_id=pk)
        if period is not None:
            qs = qs.filter(occurred_on__gte=period.start, occurred_on__lte=period.end)
        return qs.order_by("-occurred_on", "-id")  # type: ignore[return-value]

    @strawberry.field(
        permission_classes=[IsDistrictUser],
        description=(
            "参与率's raw figures by member category for an org subtree (default: the district, "
            "for district-wide readers): members, those with an activity in the period, hours. "
            "A member counts at their organisational relation. Empty outside your scope."
        ),
    )
    def activity_participation(
        self, info: Info, period: ActivityPeriodInput, within: relay.GlobalID | None = None
    ) -> list[ParticipationByCategory]:
        org = None
        if within is not None:
            try:
                org = load_org(info, within, "within")
            except ValidationFailed:
                return []
        elif access_of(info).read_paths is not None:
            return []
        figures = selectors.participation_by_category(
            within=org, start=period.start, end=period.end
        )
        return [
            ParticipationByCategory(category=category, **values)  # type: ignore[arg-type]
            for category, values in figures.items()
        ]


def _member_parts(info: Info, members: list[ActivityMemberInput]) -> list[Any]:
    return [
        participant_services.MemberPart(
            member=load_participant(info, m.member_id, "members"), hours=m.hours
        )
        for m in members
    ]


@strawberry.type
class ActivitiesMutation:
    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="Record an activity.")
    def create_activity(self, info: Info, input: CreateActivityInput) -> ActivityPayload:
        def create() -> Activity:
            org = load_writable_org(info, input.org_id, "orgId")
            return activity_services.activity_create(
                data=activity_services.ActivityData(
                    org=org,
                    title=input.title,
                    occurred_on=input.occurred_on,
                    starts_at=input.starts_at,
                    duration_hours=input.duration_hours,
                    place=input.place,
                    description=input.description,
                    **_references(info, input),
                )
            )

        return mutation_payload(ActivityPayload, "activity", create)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def update_activity(self, info: Info, input: UpdateActivityInput) -> ActivityPayload:
        def update() -> Activity:
            activity = load_writable_activity(info, input.id, "id")
            changes = {
                key: value
                for key, value in provided(input, _UPDATABLE).items()
                if value is not None or key in _CLEARABLE
            }
            changes.update(_references(info, input))
            return activity_services.activity_update(activity=activity, changes=changes)

        return mutation_payload(ActivityPayload, "activity", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="The activity did not take place: kept as cancelled, its participations go.",
    )
    def cancel_activity(self, info: Info, input: CancelActivityInput) -> ActivityPayload:
        return mutation_payload(
            ActivityPayload,
            "activity",
            lambda: activity_services.activity_cancel(
                activity=load_writable_activity(info, input.id, "id"), reason=input.reason
            ),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="Add members and units (all or none)."
    )
    def add_activity_participants(
        self, info: Info, input: AddActivityParticipantsInput
    ) -> ActivityPayload:
        def add() -> Activity:
            activity = load_writable_activity(info, input.activity_id, "activityId")
            units = [
                participant_services.UnitPart(
                    unit=load_unit(info, u.unit_id, "units"), hours=u.hours, people=u.people
                )
                for u in input.units
            ]
            return participant_services.participants_add(
                activity=activity, members=_member_parts(info, input.members), units=units
            )

        return mutation_payload(ActivityPayload, "activity", add)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="Remove members and units (all or none)."
    )
    def remove_activity_participants(
        self, info: Info, input: RemoveActivityParticipantsInput
    ) -> ActivityPayload:
        def remove() -> Activity:
            activity = load_writable_activity(info, input.activity_id, "activityId")
            return participant_services.participants_remove(
                activity=activity,
                members=[load_participant(info, g, "memberIds") for g in input.member_ids],
                units=[load_unit(info, g, "unitIds") for g in input.unit_ids],
            )

        return mutation_payload(ActivityPayload, "activity", remove)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="Set members' service hours (all or none)."
    )
    def set_activity_hours(self, info: Info, input: SetActivityHoursInput) -> ActivityPayload:
        def set_hours() -> Activity:
            activity = load_writable_activity(info, input.activity_id, "activityId")
            return participant_services.participant_hours_set(
                activity=activity, members=_member_parts(info, input.members)
            )

        return mutation_payload(ActivityPayload, "activity", set_hours)
