"""Demo data for retired members: Party-member homes and their members, building-group leaders
and caretakers with past terms, elder universities and greening teams.

Runs in a district that already holds the generated orgs and members; follows the app's rules
(retired members of the community only, no overlapping periods, one leader per building group at
a time, nothing after `today`)."""

import random
from collections import defaultdict
from datetime import date, timedelta

from backend.demo.paths import community_of
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
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

HOME_SHARE = 0.85  # communities with a Party-member home
TEAM_CHANCES = (
    (InterestTeamKind.ELDER_UNIVERSITY, "老年大学", 0.8),
    (InterestTeamKind.GREENING, "老年护绿队", 0.7),
    (InterestTeamKind.CULTURE, "夕阳红文艺队", 0.35),
    (InterestTeamKind.FITNESS, "太极拳队", 0.3),
)


def _days_ago(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))


def populate(rng: random.Random, today: date) -> dict[str, int]:
    communities = {
        org.path: org for org in PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).order_by("code")
    }
    retired_of: dict[int, list[Member]] = defaultdict(list)
    for member in (
        Member.objects.filter(category=MemberCategory.RETIRED)
        .select_related("org")
        .order_by("id")
        .only("id", "org__path")
    ):
        community = community_of(member.org.path, communities)
        if community is not None:
            retired_of[community.pk].append(member)
    groups_of: dict[int, list[PartyOrg]] = defaultdict(list)
    for group in PartyOrg.objects.filter(kind=PartyOrgKind.BUILDING_GROUP).order_by("code"):
        community = community_of(group.path, communities)
        if community is not None:
            groups_of[community.pk].append(group)

    homes, new_homes = _homes(rng, today, list(communities.values()))
    memberships = _home_memberships(rng, today, homes, retired_of)
    roles = _building_roles(rng, today, list(communities.values()), retired_of, groups_of)
    teams, team_memberships = _teams(rng, today, list(communities.values()), retired_of)
    return {
        "member_homes": new_homes,
        "home_memberships": len(memberships),
        "building_roles": len(roles),
        "interest_teams": len(teams),
        "interest_team_memberships": len(team_memberships),
    }


def _homes(
    rng: random.Random, today: date, communities: list[PartyOrg]
) -> tuple[list[Position], int]:
    """Every community's open home: the existing one, or (for most) a new one. Returns the homes
    and how many were created."""
    existing = {
        home.community_id: home
        for home in Position.objects.filter(
            kind=PositionKind.MEMBER_HOME, closed_on__isnull=True
        ).order_by("id")
    }
    homes, new = [], []
    for community in communities:
        home = existing.get(community.pk)
        if home is None and rng.random() < HOME_SHARE:
            home = Position(
                community=community,
                kind=PositionKind.MEMBER_HOME,
                name=f"{community.name.removesuffix('委员会')}党员之家",
                address=f"{community.name.removesuffix('党委').removesuffix('党总支')}活动中心二楼",
                area_m2=rng.choice((60, 80, 120, 150)),
                opening_hours="周一至周五 8:30-17:00",
                meets_standard=rng.random() < 0.7,
                opened_on=_days_ago(rng, today, 800, 3000),
            )
            new.append(home)
        if home is not None:
            homes.append(home)
    Position.objects.bulk_create(new)
    return homes, len(new)


def _home_memberships(
    rng: random.Random,
    today: date,
    homes: list[Position],
    retired_of: dict[int, list[Member]],
) -> list[HomeMembership]:
    rows = []
    for home in homes:
        opened = home.opened_on or today - timedelta(days=730)
        for member in retired_of.get(home.community_id, []):
            if rng.random() > 0.7:
                continue
            joined = max(opened, _days_ago(rng, today, 30, 720))
            left = None
            if rng.random() < 0.15 and (today - joined).days > 60:
                left = joined + timedelta(days=rng.randint(30, (today - joined).days))
            rows.append(HomeMembership(member=member, home=home, joined_on=joined, left_on=left))
    return HomeMembership.objects.bulk_create(rows)


def _building_roles(
    rng: random.Random,
    today: date,
    communities: list[PartyOrg],
    retired_of: dict[int, list[Member]],
    groups_of: dict[int, list[PartyOrg]],
) -> list[BuildingRole]:
    rows = []
    for community in communities:
        retired = retired_of.get(community.pk, [])
        if not retired:
            continue
        for group in groups_of.get(community.pk, []):
            # A past leader's term, then the current leader from the next day: one at a time.
            start = _days_ago(rng, today, 60, 400)
            if rng.random() < 0.5:
                past_start = start - timedelta(days=rng.randint(365, 1100))
                rows.append(
                    BuildingRole(
                        member=rng.choice(retired),
                        role=BuildingRoleKind.GROUP_LEADER,
                        community=community,
                        building_group=group,
                        start_on=past_start,
                        end_on=start - timedelta(days=1),
                    )
                )
            rows.append(
                BuildingRole(
                    member=rng.choice(retired),
                    role=BuildingRoleKind.GROUP_LEADER,
                    community=community,
                    building_group=group,
                    start_on=start,
                )
            )
            for _ in range(rng.randint(0, 2)):
                caretaker_start = _days_ago(rng, today, 30, 700)
                ended = rng.random() < 0.25
                rows.append(
                    BuildingRole(
                        member=rng.choice(retired),
                        role=BuildingRoleKind.CARETAKER,
                        community=community,
                        building_group=group,
                        start_on=caretaker_start,
                        end_on=caretaker_start + timedelta(days=rng.randint(0, 25))
                        if ended
                        else None,
                    )
                )
        # Buildings without a building group are named by label.
        for building in rng.sample(range(1, 30), rng.randint(1, 3)):
            rows.append(
                BuildingRole(
                    member=rng.choice(retired),
                    role=BuildingRoleKind.CARETAKER,
                    community=community,
                    building_label=f"{building}幢{rng.randint(1, 4)}单元",
                    start_on=_days_ago(rng, today, 30, 700),
                )
            )
    _drop_repeated_roles(rows)
    return BuildingRole.objects.bulk_create(rows)


def _drop_repeated_roles(rows: list[BuildingRole]) -> None:
    """The same member twice as caretaker of one building: keep the first (caretaker periods of
    one member and building would otherwise overlap)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for row in rows:
        key = (row.member.pk, row.role, row.building_group_id, row.building_label, row.end_on)
        if row.role == BuildingRoleKind.CARETAKER and key[:4] in seen:
            continue
        seen.add(key[:4])
        kept.append(row)
    rows[:] = kept


def _teams(
    rng: random.Random,
    today: date,
    communities: list[PartyOrg],
    retired_of: dict[int, list[Member]],
) -> tuple[list[InterestTeam], list[InterestTeamMembership]]:
    teams, plans = [], []
    for community in communities:
        retired = retired_of.get(community.pk, [])
        if not retired:
            continue
        for kind, name, chance in TEAM_CHANCES:
            if rng.random() >= chance:
                continue
            team = InterestTeam(
                community=community,
                name=name,
                kind=kind,
                founded_on=_days_ago(rng, today, 400, 2500),
                description=f"{name}，每周活动一次。",
            )
            teams.append(team)
            plans.append((team, rng.sample(retired, min(len(retired), rng.randint(3, 12)))))
    InterestTeam.objects.bulk_create(teams)
    rows = []
    for team, members in plans:
        for index, member in enumerate(members):
            joined = max(team.founded_on, _days_ago(rng, today, 20, 700))
            left = None
            if index > 0 and rng.random() < 0.15 and (today - joined).days > 30:
                left = joined + timedelta(days=rng.randint(10, (today - joined).days))
            role = InterestTeamRole.LEADER if index == 0 else InterestTeamRole.MEMBER
            rows.append(
                InterestTeamMembership(
                    team=team, member=member, role=role, joined_on=joined, left_on=left
                )
            )
    return teams, InterestTeamMembership.objects.bulk_create(rows)
