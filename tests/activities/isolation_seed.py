"""Activities and a volunteer team in each seeded district, for the canary matrix
(isolation_cases.py): community s1-c1 organised one activity under a co-building pair and one
under a council, with members, a unit and its volunteer team taking part."""

from datetime import date
from decimal import Decimal

from backend.activities.models import (
    Activity,
    ActivityParticipation,
    ActivityUnit,
    VolunteerTeam,
    VolunteerTeamMembership,
)
from backend.campaigns.models import CampaignTheme
from backend.cobuilding.models import CoBuildingPair
from backend.councils.models import Council
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tests.support.seed import SeededDistrict

ON = date(2025, 5, 10)


def _pair(community: PartyOrg, unit: Unit) -> CoBuildingPair:
    """The district's first pair (the co-building app's seed), else one of our own."""
    pair = CoBuildingPair.objects.order_by("pk").first()
    if pair is None:
        pair = CoBuildingPair.objects.create(
            a_org=community, b_unit=unit, starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31)
        )
    return pair


def _council(community: PartyOrg, canary: str) -> Council:
    council = Council.objects.order_by("pk").first()
    if council is None:
        council = Council.objects.create(
            kind="community_joint_meeting", name=f"{canary}联席会", host_org=community
        )
    return council


def seed(seeded: SeededDistrict) -> dict[str, int]:
    community = PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"])
    unit = Unit.objects.get(pk=seeded.unit_pk)
    members = [Member.objects.get(pk=pk) for pk in seeded.member_pks]
    theme = CampaignTheme.objects.get(campaign__code="seven_hands", code="community_service")
    team = VolunteerTeam.objects.create(
        org=community,
        name=f"{seeded.canary}志愿者服务队",
        service_area=f"{seeded.canary}小区",
        founded_on=date(2024, 1, 1),
    )
    membership = VolunteerTeamMembership.objects.create(
        team=team, member=members[4], role="leader", joined_on=date(2024, 1, 1)
    )
    common = {
        "org": community,
        "occurred_on": ON,
        "campaign": theme.campaign,
        "theme": theme,
        "place": f"{seeded.canary}社区广场",
        "description": f"{seeded.canary}活动内容",
        "volunteer_team": team,
    }
    paired = Activity.objects.create(
        title=f"{seeded.canary}共建活动", pair=_pair(community, unit), **common
    )
    in_council = Activity.objects.create(
        title=f"{seeded.canary}联席会活动", council=_council(community, seeded.canary), **common
    )
    participation = ActivityParticipation.objects.create(
        activity=paired, member=members[0], hours=Decimal("2.5"), occurred_on=ON
    )
    ActivityParticipation.objects.create(
        activity=in_council, member=members[4], hours=Decimal(1), occurred_on=ON
    )
    unit_part = ActivityUnit.objects.create(activity=paired, unit=unit, hours=Decimal(8), people=4)
    return {
        "Activity": paired.pk,
        "ActivityParticipation": participation.pk,
        "ActivityUnit": unit_part.pk,
        "VolunteerTeam": team.pk,
        "VolunteerTeamMembership": membership.pk,
        # The pair and council the activities happened under, for the list's filters.
        "ActivitiesPair": paired.pair_id or 0,
        "ActivitiesCouncil": in_council.council_id or 0,
        "ActivitiesTheme": theme.pk,
    }
