"""Retired-member records in each seeded district, for the canary matrix (isolation_cases.py): a
Party-member home in s1-c1 with member 3 (retired) as its member, a labelled-building caretaker
and an elder university. The seeded retired member holds their relation in the unit org s1-u1,
not in the community, which the services would refuse; the rows are written directly so the
seeded tree and members stay as they are."""

from datetime import date

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.positions.models import Position, PositionKind
from backend.retirees.models import (
    BuildingRole,
    BuildingRoleKind,
    HomeMembership,
    InterestTeam,
    InterestTeamKind,
    InterestTeamMembership,
    InterestTeamRole,
)
from tests.support.seed import SeededDistrict

RETIRED_MEMBER = 3  # tests/support/seed.py: member 3 is retired


def seed(seeded: SeededDistrict) -> dict[str, int]:
    community = PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"])
    member = Member.objects.get(pk=seeded.member_pks[RETIRED_MEMBER])
    home = Position.objects.create(
        community=community,
        kind=PositionKind.MEMBER_HOME,
        name=f"{seeded.canary}党员之家",
        opened_on=date(2020, 1, 1),
    )
    membership = HomeMembership.objects.create(member=member, home=home, joined_on=date(2024, 1, 1))
    role = BuildingRole.objects.create(
        member=member,
        role=BuildingRoleKind.CARETAKER,
        community=community,
        building_label=f"{seeded.canary}3幢2单元",
        start_on=date(2024, 1, 1),
    )
    team = InterestTeam.objects.create(
        community=community,
        name=f"{seeded.canary}老年大学",
        kind=InterestTeamKind.ELDER_UNIVERSITY,
        founded_on=date(2019, 9, 1),
        description=f"{seeded.canary}书画班",
    )
    team_membership = InterestTeamMembership.objects.create(
        team=team, member=member, role=InterestTeamRole.LEADER, joined_on=date(2020, 1, 1)
    )
    return {
        "MemberHome": home.pk,
        "HomeMembership": membership.pk,
        "BuildingRole": role.pk,
        "InterestTeam": team.pk,
        "InterestTeamMembership": team_membership.pk,
    }
