"""Reads of activities, participation and volunteer teams."""

from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, Q, QuerySet, Sum

from backend.access.scopes import Access
from backend.activities.models import (
    Activity,
    ActivityParticipation,
    VolunteerTeam,
    VolunteerTeamMembership,
)
from backend.campaigns.models import Campaign, CampaignTheme
from backend.common.ltree import EqualsAny
from backend.members.models import Member, MemberCategory
from backend.members.selectors import subtree_member_counts
from backend.orgs.models import PartyOrg


def participant_visible(access: Access, org_path: str, residence_path: str | None) -> bool:
    """Whether the user sees a member as a possible participant: by their organisational relation,
    or as a resident of a community the user reads (in-service members take part where they
    live)."""
    paths = [org_path] if residence_path is None else [org_path, residence_path]
    return any(access.can_read(path) for path in paths)


class CategoryParticipation(TypedDict):
    members: int
    participants: int
    hours: Decimal


def _subtree_ids(org: PartyOrg) -> ArraySubquery:
    return ArraySubquery(
        PartyOrg.objects.filter(path__descendant_of=org.path).order_by().values("id")
    )


def _pk_or_none(obj: Any) -> Any:
    """A filter by an unknown object (a placeholder never saved) matches nothing."""
    return obj.pk if obj.pk else -1


def activity_list(
    *,
    within: PartyOrg | None = None,
    campaign: Campaign | None = None,
    theme: CampaignTheme | None = None,
    start: date | None = None,
    end: date | None = None,
    pair_id: int | None = None,
    council_id: int | None = None,
    team: VolunteerTeam | None = None,
    include_cancelled: bool = False,
) -> QuerySet[Activity]:
    qs = Activity.objects.all()
    if within is not None:
        qs = qs.filter(EqualsAny(F("org_id"), _subtree_ids(within)))
    if campaign is not None:
        # A campaign's activities include those of its sub-campaigns (百名干部进社区 under 干部下基层).
        qs = qs.filter(Q(campaign_id=campaign.pk) | Q(campaign__parent_id=campaign.pk))
    if theme is not None:
        qs = qs.filter(theme_id=theme.pk)
    if start is not None:
        qs = qs.filter(occurred_on__gte=start)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    if pair_id is not None:
        qs = qs.filter(pair_id=pair_id)
    if council_id is not None:
        qs = qs.filter(council_id=council_id)
    if team is not None:
        qs = qs.filter(volunteer_team_id=_pk_or_none(team))
    if not include_cancelled:
        qs = qs.filter(cancelled_on__isnull=True)
    return qs.order_by("-occurred_on", "-id")


def member_participations(
    *, member: Member, start: date | None = None, end: date | None = None
) -> QuerySet[ActivityParticipation]:
    """A member's activities, newest first (index activities_part_member_on)."""
    qs = ActivityParticipation.objects.filter(member=member)
    if start is not None:
        qs = qs.filter(occurred_on__gte=start)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    return qs.order_by("-occurred_on", "-id")


def participation_rows(
    *, within: PartyOrg | None, start: date, end: date
) -> QuerySet[ActivityParticipation]:
    """Participations in [start, end] of members whose organisational relation lies in `within`."""
    qs = ActivityParticipation.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    if within is not None:
        qs = qs.filter(EqualsAny(F("member__org_id"), _subtree_ids(within)))
    return qs


def participants_by_category_query(
    *, within: PartyOrg | None, start: date, end: date
) -> QuerySet[Any, Any]:
    """ONE query: per category, members with an activity in the period and their hours. It reads
    the period's range of the (occurred_on, member_id) INCLUDE (hours) index and each member's
    category and org by primary key; a member counts at their organisational relation."""
    return (
        participation_rows(within=within, start=start, end=end)
        .order_by()
        .values("member__category")
        .annotate(participants=Count("member_id", distinct=True), hours=Sum("hours"))
    )


def participants_by_category(
    *, within: PartyOrg | None, start: date, end: date
) -> dict[str, tuple[int, Decimal]]:
    """{category: (members with an activity in [start, end], their hours)}."""
    rows = participants_by_category_query(within=within, start=start, end=end)
    return {
        row["member__category"]: (row["participants"], row["hours"] or Decimal(0)) for row in rows
    }


def participation_by_category(
    *, within: PartyOrg | None, start: date, end: date
) -> dict[str, CategoryParticipation]:
    """参与率's raw figures by member category: members, members with at least one activity in
    [start, end], and their service hours. Two queries: the members' count, and the one above."""
    if within is not None:
        members = subtree_member_counts(within)
    else:
        members = dict(
            Member.objects.order_by().values_list("category").annotate(n=Count("category"))
        )
    took_part = participants_by_category(within=within, start=start, end=end)
    return {
        category: CategoryParticipation(
            members=int(members.get(category, 0)),
            participants=took_part.get(category, (0, Decimal(0)))[0],
            hours=took_part.get(category, (0, Decimal(0)))[1],
        )
        for category in MemberCategory.values
    }


def team_list(
    *, within: PartyOrg | None = None, active: bool | None = None
) -> QuerySet[VolunteerTeam]:
    qs = VolunteerTeam.objects.all()
    if within is not None:
        qs = qs.filter(EqualsAny(F("org_id"), _subtree_ids(within)))
    if active is not None:
        qs = qs.filter(dissolved_on__isnull=active)
    return qs.order_by("name", "id")


def team_members(
    *, team: VolunteerTeam, current: bool | None = None
) -> QuerySet[VolunteerTeamMembership]:
    qs = team.memberships.all()
    if current is not None:
        qs = qs.filter(left_on__isnull=current)
    return qs.order_by("joined_on", "id")
