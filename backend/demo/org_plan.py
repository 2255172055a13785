"""Planning the org tree: district committee, streets, communities, compounds and their groups,
and the temporary branches of building projects."""

from datetime import date, timedelta
from functools import partial

from backend.demo import names as n
from backend.demo.codes import child_org_code
from backend.demo.plan import DistrictPlan
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import may_contain

K = PartyOrgKind

# When organisations of each kind were founded (first year, last year).
_ESTABLISHED_YEARS: dict[str, tuple[int, int]] = {
    K.DISTRICT_COMMITTEE: (1985, 2002),
    K.STREET_WORKING_COMMITTEE: (1995, 2012),
    K.COMMUNITY_COMMITTEE: (2000, 2016),
    K.COMMUNITY_GENERAL_BRANCH: (2000, 2016),
    K.COMPOUND_BRANCH: (2005, 2020),
    K.PARTY_GROUP: (2008, 2023),
    K.BUILDING_GROUP: (2008, 2023),
    K.UNIT_ORG: (1998, 2022),
    K.JOINT_BRANCH: (2008, 2022),
    K.TEMPORARY_BRANCH: (2024, 2026),
}


def add_org(
    plan: DistrictPlan,
    *,
    name: str,
    kind: str,
    parent: PartyOrg | None,
    end_date: date | None = None,
    established_on: date | None = None,
) -> PartyOrg:
    """Append an org to the plan, coded after its parent (the root takes the region code)."""
    if parent is None:
        code = plan.region_code
    else:
        if not may_contain(parent.kind, kind):
            raise RuntimeError(f"demo plan error: {kind} under {parent.kind}")
        plan.child_counts[parent.code] += 1
        code = child_org_code(parent.code, plan.child_counts[parent.code])
    org = PartyOrg(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        established_on=established_on or _established(plan, parent, kind),
        end_date=end_date,
    )
    plan.orgs.append(org)
    return org


def _established(plan: DistrictPlan, parent: PartyOrg | None, kind: str) -> date:
    """A founding date in the kind's usual years, never before the parent's."""
    first_year, last_year = _ESTABLISHED_YEARS[kind]
    lo = date(first_year, 1, 1)
    if parent is not None and parent.established_on is not None:
        lo = max(lo, parent.established_on)
    hi = min(date(last_year, 12, 31), plan.today - timedelta(days=30))
    if hi <= lo:  # under a young parent (a temporary branch): within its first year
        hi = min(lo + timedelta(days=365), plan.today - timedelta(days=7))
    return plan.date_between(lo, hi)


def plan_tree(plan: DistrictPlan) -> None:
    """The district committee, its streets (with their roads), communities and compounds."""
    size, rng = plan.size, plan.rng
    plan.root = add_org(
        plan,
        name=f"中共{plan.district_name}委员会",
        kind=K.DISTRICT_COMMITTEE,
        parent=None,
    )
    known = n.STREETS_BY_DISTRICT.get(plan.district_name, n.STREET_NAMES)
    street_names = rng.sample(known, min(size.streets, len(known)))
    for street_name in street_names:
        plan.used_names.add(street_name)
    while len(street_names) < size.streets:
        street_names.append(plan.unique(plan.place))
    community_no = 0
    for street_name in street_names:
        street = add_org(
            plan,
            name=f"{street_name}街道党工委",
            kind=K.STREET_WORKING_COMMITTEE,
            parent=plan.root,
        )
        plan.place_name_of[street.code] = street_name
        plan.streets.append(street)
        plan.communities_of[street.code] = []
        plan.roads_of[street.code] = [
            plan.unique(lambda: plan.place() + rng.choice(n.ROAD_SUFFIXES))
            for _ in range(rng.randint(3, 5))
        ]
        for _ in range(size.communities_per_street):
            community_no += 1
            _community(plan, street, community_no)


def _community(plan: DistrictPlan, street: PartyOrg, number: int) -> None:
    rng = plan.rng
    # The first two communities fix one of each kind; the rest are 40 % 社区党委.
    is_committee = number == 1 if number <= 2 else rng.random() < 0.4
    community_name = plan.unique(plan.place)
    community = add_org(
        plan,
        name=f"{community_name}社区{'党委' if is_committee else '党总支'}",
        kind=K.COMMUNITY_COMMITTEE if is_committee else K.COMMUNITY_GENERAL_BRANCH,
        parent=street,
    )
    plan.place_name_of[community.code] = community_name
    plan.communities.append(community)
    plan.communities_of[street.code].append(community)
    plan.compounds_of[community.code] = []
    per = plan.size.compounds_per_community
    for _ in range(rng.randint(max(1, per - 1), per + 1)):
        _compound(plan, community)


def _compound(plan: DistrictPlan, community: PartyOrg) -> None:
    rng = plan.rng
    compound_name = plan.unique(lambda: plan.place() + rng.choice(n.COMPOUND_SUFFIXES))
    compound = add_org(
        plan,
        name=f"{compound_name}{'' if compound_name.endswith('小区') else '小区'}党支部",
        kind=K.COMPOUND_BRANCH,
        parent=community,
    )
    plan.compounds_of[community.code].append(compound)
    first_compound = len(plan.compounds_of) == 1 and len(plan.compounds_of[community.code]) == 1
    per = plan.size.groups_per_compound
    count = rng.randint(max(0, per - 1), per + 1)
    if first_compound:  # one of each group kind, whatever the dice say
        count = max(count, 2)
    buildings = sorted(rng.sample(range(1, 40), count))
    party_groups = 0
    for i, building in enumerate(buildings):
        if (first_compound and i == 0) or (not first_compound and rng.random() < 0.4):
            party_groups += 1
            add_org(
                plan,
                name=f"{compound_name}第{n.CHINESE_NUMERALS[party_groups - 1]}党小组",
                kind=K.PARTY_GROUP,
                parent=compound,
            )
        else:
            add_org(
                plan,
                name=f"{compound_name}{building}幢门栋党小组",
                kind=K.BUILDING_GROUP,
                parent=compound,
            )


def _project(plan: DistrictPlan, street_name: str) -> str:
    return plan.rng.choice(n.PROJECTS).format(
        s=street_name, n=plan.rng.randint(3, 9), x=plan.place()
    )


def plan_temporary_branches(plan: DistrictPlan) -> None:
    """Temporary branches of building projects, under streets and communities, each with a group."""
    rng = plan.rng
    for i in range(max(1, plan.size.streets // 3)):
        street = plan.streets[(i * 2) % len(plan.streets)]
        parent = street if i % 2 == 0 else rng.choice(plan.communities_of[street.code])
        project = plan.unique(partial(_project, plan, plan.place_name_of[street.code]))
        established = plan.today - timedelta(days=rng.randint(90, 540))
        end_date = max(
            established + timedelta(days=365),
            plan.today + timedelta(days=rng.randint(365, 900)),
        )
        branch = add_org(
            plan,
            name=f"{project}临时党支部",
            kind=K.TEMPORARY_BRANCH,
            parent=parent,
            end_date=end_date,
            established_on=established,
        )
        plan.temporary_branches.append(branch)
        add_org(
            plan,
            name=f"{project}临时党支部第一党小组",
            kind=K.PARTY_GROUP,
            parent=branch,
        )
