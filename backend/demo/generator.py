"""Deterministic demo data for one district: the org tree, units and members.

`generate_district` writes into the *current* schema (wrap the call in `in_district(...)`), in one
transaction, with bulk inserts. Everything is drawn from one `random.Random(seed)`, and dates are
relative to the fixed `REFERENCE_DATE`, so a seed always yields the same names, codes, ID numbers
and tree shape; only the database ids differ between runs.

The data obeys the same rules as the services (orgs.rules, units.services, members.services): it is
built in memory as a plan and inserted directly, because going through the services one row at a
time would take minutes for a demo-sized district.
"""

import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import TypeVar

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

from backend.demo import names as n
from backend.members.id_numbers import make_id_number
from backend.members.models import Education, Gender, Member, MemberCategory, MemberStatus
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import may_contain
from backend.orgs.services import lock_org_tree
from backend.units.models import PartyOrgStatus, Unit, UnitKind

K = PartyOrgKind
T = TypeVar("T")

# Ages, joining dates, temporary branches' end dates … are computed from this day, not from
# today, so that a seed reproduces the same data whenever it runs.
REFERENCE_DATE = date(2026, 6, 30)
BATCH_SIZE = 2000
MIN_JOINING_AGE = 18
PROBATION = timedelta(days=365)


@dataclass(frozen=True)
class DistrictSize:
    streets: int
    communities_per_street: int
    compounds_per_community: int
    groups_per_compound: int
    unit_count: int
    member_count: int


SIZES: dict[str, DistrictSize] = {
    # ~30 orgs, 10 units, 60 members: small enough for tests, still every kind and category.
    "tiny": DistrictSize(
        streets=2,
        communities_per_street=2,
        compounds_per_community=1,
        groups_per_compound=1,
        unit_count=10,
        member_count=60,
    ),
    # ~300 orgs, 150 units, 2,000 members: a district that looks lived-in.
    "demo": DistrictSize(
        streets=6,
        communities_per_street=3,
        compounds_per_community=3,
        groups_per_compound=2,
        unit_count=150,
        member_count=2000,
    ),
}


@dataclass(frozen=True)
class GenerationReport:
    orgs: int
    units: int
    members: int
    seconds: float


class DistrictNotEmpty(RuntimeError):
    """The schema already holds data; demo data is only generated into an empty district."""


# --- plan --------------------------------------------------------------------------------------

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

# Share of members per category, probationary share, and (female share, age range) per category.
CATEGORY_SHARES: tuple[tuple[str, float], ...] = (
    (MemberCategory.IN_SERVICE, 0.34),
    (MemberCategory.RETIRED, 0.28),
    (MemberCategory.COMMUNITY, 0.16),
    (MemberCategory.MOBILE, 0.11),
    (MemberCategory.LAID_OFF, 0.11),
)
PROBATIONARY_SHARE = 0.05
# Members not in service whose relation is in the community organisation (not a compound branch).
_IN_COMMUNITY_SHARE: dict[str, float] = {
    MemberCategory.RETIRED: 0.2,
    MemberCategory.COMMUNITY: 0.4,
    MemberCategory.LAID_OFF: 0.3,
    MemberCategory.MOBILE: 0.4,
}
_PROFILE: dict[str, tuple[float, int, int]] = {
    MemberCategory.IN_SERVICE: (0.42, 23, 59),
    MemberCategory.RETIRED: (0.38, 60, 92),
    MemberCategory.COMMUNITY: (0.50, 22, 75),
    MemberCategory.MOBILE: (0.30, 20, 52),
    MemberCategory.LAID_OFF: (0.45, 45, 65),
}
E = Education
_EDUCATION_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "young": (
        (E.POSTGRADUATE, 18),
        (E.BACHELOR, 50),
        (E.COLLEGE, 22),
        (E.SECONDARY_VOCATIONAL, 5),
        (E.HIGH_SCHOOL, 4),
        (E.JUNIOR_OR_BELOW, 1),
    ),
    "mid": (
        (E.POSTGRADUATE, 6),
        (E.BACHELOR, 32),
        (E.COLLEGE, 26),
        (E.SECONDARY_VOCATIONAL, 12),
        (E.HIGH_SCHOOL, 16),
        (E.JUNIOR_OR_BELOW, 8),
    ),
    "old": (
        (E.POSTGRADUATE, 1),
        (E.BACHELOR, 9),
        (E.COLLEGE, 14),
        (E.SECONDARY_VOCATIONAL, 16),
        (E.HIGH_SCHOOL, 30),
        (E.JUNIOR_OR_BELOW, 30),
    ),
}
_LOW_EDUCATION = (
    (E.COLLEGE, 10),
    (E.SECONDARY_VOCATIONAL, 22),
    (E.HIGH_SCHOOL, 36),
    (E.JUNIOR_OR_BELOW, 30),
    (E.BACHELOR, 2),
)

U, S = UnitKind, PartyOrgStatus
_UNIT_KIND_WEIGHTS = (
    (U.NON_PUBLIC_ENTERPRISE, 60),
    (U.SOCIAL_ORGANISATION, 15),
    (U.RESIDENT_UNIT, 12),
    (U.ORGAN, 7),
    (U.DISTRICT_UNIT, 6),
)
_UNIT_STATUS_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    U.ORGAN: ((S.OWN, 1),),
    U.DISTRICT_UNIT: ((S.OWN, 8), (S.ATTACHED, 2)),
    U.RESIDENT_UNIT: ((S.OWN, 5), (S.ATTACHED, 3), (S.NONE, 2)),
    U.NON_PUBLIC_ENTERPRISE: ((S.OWN, 2), (S.JOINT, 3), (S.ATTACHED, 1), (S.NONE, 4)),
    U.SOCIAL_ORGANISATION: ((S.OWN, 1), (S.JOINT, 3), (S.ATTACHED, 2), (S.NONE, 4)),
}
# Always present, so even the tiny size has every unit kind and every status.
_MANDATORY_UNITS = (
    (U.ORGAN, S.OWN),
    (U.DISTRICT_UNIT, S.OWN),
    (U.RESIDENT_UNIT, S.OWN),
    (U.RESIDENT_UNIT, S.ATTACHED),
    (U.NON_PUBLIC_ENTERPRISE, S.OWN),
    (U.NON_PUBLIC_ENTERPRISE, S.JOINT),
    (U.NON_PUBLIC_ENTERPRISE, S.JOINT),
    (U.NON_PUBLIC_ENTERPRISE, S.NONE),
    (U.SOCIAL_ORGANISATION, S.JOINT),
    (U.SOCIAL_ORGANISATION, S.NONE),
)
# 党章: 100 members or more set up a 党委, 50 or more a 党总支 (both with branches below them),
# fewer a 党支部; a branch of 30 or more is split into 党小组.
COMMITTEE_THRESHOLD = 100
GENERAL_BRANCH_THRESHOLD = 50
GROUPS_THRESHOLD = 30
UNITS_PER_JOINT_BRANCH = 4

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class _UnitPlan:
    unit: Unit
    street: PartyOrg
    community: PartyOrg
    # Where in-service members working here hold their organisational relation.
    member_orgs: list[PartyOrg] = field(default_factory=list)


def _weighted(rng: random.Random, pairs: tuple[tuple[T, int], ...] | list[tuple[T, int]]) -> T:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, month=3, day=1)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _apportion(total: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    """`total` labels split by `shares` (largest remainder), each label at least once if possible."""
    exact = [(label, total * share) for label, share in shares]
    counts = {label: int(value) for label, value in exact}
    if total >= len(shares):
        for label, _ in shares:
            counts[label] = max(counts[label], 1)
    by_remainder = sorted(exact, key=lambda pair: pair[1] - int(pair[1]), reverse=True)
    i = 0
    while sum(counts.values()) < total:
        counts[by_remainder[i % len(by_remainder)][0]] += 1
        i += 1
    while sum(counts.values()) > total:
        largest = max(counts, key=lambda label: counts[label])
        counts[largest] -= 1
    return [label for label, _ in shares for _ in range(counts[label])]


def credit_code(prefix: str, region: str, org_digits: str) -> str:
    """A 统一社会信用代码 with valid check characters (GB 11714 and GB 32100)."""
    org_sum = sum(int(d) * w for d, w in zip(org_digits, _ORG_CODE_WEIGHTS, strict=True))
    org_check = 11 - org_sum % 11
    org_code = org_digits + {10: "X", 11: "0"}.get(org_check, str(org_check))
    body = prefix + region + org_code
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _CREDIT_WEIGHTS, strict=True))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


class _Planner:
    """Builds the district in memory; the random draws happen in a fixed order."""

    def __init__(
        self, *, rng: random.Random, size: DistrictSize, district_name: str, region_code: str
    ):
        self.rng = rng
        self.size = size
        self.district = district_name
        self.region = region_code
        self.today = min(date.today(), REFERENCE_DATE)
        self.orgs: list[PartyOrg] = []
        self.units: list[_UnitPlan] = []
        self.members: list[Member] = []
        self._child_counts: Counter[str] = Counter()
        self._used_names: set[str] = set()
        self._used_ids: set[str] = set()
        self._used_phones: set[str] = set()
        self._used_credit_codes: set[str] = set()
        self.streets: list[PartyOrg] = []
        self.communities: list[PartyOrg] = []
        self.communities_of: dict[str, list[PartyOrg]] = {}  # street code -> communities
        self.compounds_of: dict[str, list[PartyOrg]] = {}  # community code -> compounds
        self.temporary_branches: list[PartyOrg] = []
        self.roads_of: dict[str, list[str]] = {}  # street code -> road names
        self.place_name_of: dict[str, str] = {}  # street/community code -> 钟公庙, 华城 …

    # -- helpers ---------------------------------------------------------------------------

    def _unique(self, make: Callable[[], str], *, attempts: int = 50) -> str:
        """A name from `make()` not used before in this district (numbered if it keeps clashing)."""
        for _ in range(attempts):
            candidate = make()
            if candidate not in self._used_names:
                self._used_names.add(candidate)
                return candidate
        base, i = make(), 2
        while f"{base}{i}" in self._used_names:
            i += 1
        self._used_names.add(f"{base}{i}")
        return f"{base}{i}"

    def _claim(self, name: str) -> str:
        """`name` itself if still free, else `name` numbered."""
        return self._unique(partial(str, name), attempts=1)

    def _place(self) -> str:
        while True:
            first, second = self.rng.choice(n.PLACE_FIRST), self.rng.choice(n.PLACE_SECOND)
            if first != second:
                return first + second

    def _brand(self) -> str:
        return self.rng.choice(n.BRAND_FIRST) + self.rng.choice(n.BRAND_SECOND)

    def _date_between(self, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def _established(self, parent: PartyOrg | None, kind: str) -> date:
        """A founding date in the kind's usual years, never before the parent's."""
        first_year, last_year = _ESTABLISHED_YEARS[kind]
        lo = date(first_year, 1, 1)
        if parent is not None and parent.established_on is not None:
            lo = max(lo, parent.established_on)
        hi = min(date(last_year, 12, 31), self.today - timedelta(days=30))
        if hi <= lo:  # under a young parent (a temporary branch): within its first year
            hi = min(lo + timedelta(days=365), self.today - timedelta(days=7))
        return self._date_between(lo, hi)

    def _org(
        self,
        *,
        name: str,
        kind: str,
        parent: PartyOrg | None,
        end_date: date | None = None,
        established_on: date | None = None,
    ) -> PartyOrg:
        if parent is None:
            code = self.region
        else:
            if not may_contain(parent.kind, kind):
                raise RuntimeError(f"demo plan error: {kind} under {parent.kind}")
            self._child_counts[parent.code] += 1
            code = f"{parent.code}-{self._child_counts[parent.code]:02d}"
        org = PartyOrg(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            established_on=established_on or self._established(parent, kind),
            end_date=end_date,
        )
        self.orgs.append(org)
        return org

    # -- the tree --------------------------------------------------------------------------

    def build_tree(self) -> None:
        size, rng = self.size, self.rng
        self.root = self._org(
            name=f"中共{self.district}委员会",
            kind=K.DISTRICT_COMMITTEE,
            parent=None,
        )
        known = n.STREETS_BY_DISTRICT.get(self.district, n.STREET_NAMES)
        street_names = rng.sample(known, min(size.streets, len(known)))
        for street_name in street_names:
            self._used_names.add(street_name)
        while len(street_names) < size.streets:
            street_names.append(self._unique(self._place))
        community_no = 0
        for street_name in street_names:
            street = self._org(
                name=f"{street_name}街道党工委",
                kind=K.STREET_WORKING_COMMITTEE,
                parent=self.root,
            )
            self.place_name_of[street.code] = street_name
            self.streets.append(street)
            self.communities_of[street.code] = []
            self.roads_of[street.code] = [
                self._unique(lambda: self._place() + rng.choice(n.ROAD_SUFFIXES))
                for _ in range(rng.randint(3, 5))
            ]
            for _ in range(size.communities_per_street):
                community_no += 1
                self._community(street, community_no)

    def _community(self, street: PartyOrg, number: int) -> None:
        rng = self.rng
        # The first two communities fix one of each kind; the rest are 40 % 社区党委.
        is_committee = number == 1 if number <= 2 else rng.random() < 0.4
        community_name = self._unique(self._place)
        community = self._org(
            name=f"{community_name}社区{'党委' if is_committee else '党总支'}",
            kind=K.COMMUNITY_COMMITTEE if is_committee else K.COMMUNITY_GENERAL_BRANCH,
            parent=street,
        )
        self.place_name_of[community.code] = community_name
        self.communities.append(community)
        self.communities_of[street.code].append(community)
        self.compounds_of[community.code] = []
        per = self.size.compounds_per_community
        for _ in range(rng.randint(max(1, per - 1), per + 1)):
            self._compound(community)

    def _compound(self, community: PartyOrg) -> None:
        rng = self.rng
        compound_name = self._unique(lambda: self._place() + rng.choice(n.COMPOUND_SUFFIXES))
        compound = self._org(
            name=f"{compound_name}{'' if compound_name.endswith('小区') else '小区'}党支部",
            kind=K.COMPOUND_BRANCH,
            parent=community,
        )
        self.compounds_of[community.code].append(compound)
        first_compound = len(self.compounds_of) == 1 and len(self.compounds_of[community.code]) == 1
        per = self.size.groups_per_compound
        count = rng.randint(max(0, per - 1), per + 1)
        if first_compound:  # one of each group kind, whatever the dice say
            count = max(count, 2)
        buildings = sorted(rng.sample(range(1, 40), count))
        party_groups = 0
        for i, building in enumerate(buildings):
            if (first_compound and i == 0) or (not first_compound and rng.random() < 0.4):
                party_groups += 1
                self._org(
                    name=f"{compound_name}第{n.CHINESE_NUMERALS[party_groups - 1]}党小组",
                    kind=K.PARTY_GROUP,
                    parent=compound,
                )
            else:
                self._org(
                    name=f"{compound_name}{building}幢门栋党小组",
                    kind=K.BUILDING_GROUP,
                    parent=compound,
                )

    def _project(self, street_name: str) -> str:
        return self.rng.choice(n.PROJECTS).format(
            s=street_name, n=self.rng.randint(3, 9), x=self._place()
        )

    def _joint_name(self, street_name: str, area: str) -> str:
        return f"{street_name}街道{self._place()}{area}非公企业联合党支部"

    def build_temporary_branches(self) -> None:
        rng = self.rng
        for i in range(max(1, self.size.streets // 3)):
            street = self.streets[(i * 2) % len(self.streets)]
            parent = street if i % 2 == 0 else rng.choice(self.communities_of[street.code])
            project = self._unique(partial(self._project, self.place_name_of[street.code]))
            established = self.today - timedelta(days=rng.randint(90, 540))
            end_date = max(
                established + timedelta(days=365),
                self.today + timedelta(days=rng.randint(365, 900)),
            )
            branch = self._org(
                name=f"{project}临时党支部",
                kind=K.TEMPORARY_BRANCH,
                parent=parent,
                end_date=end_date,
                established_on=established,
            )
            self.temporary_branches.append(branch)
            self._org(
                name=f"{project}临时党支部第一党小组",
                kind=K.PARTY_GROUP,
                parent=branch,
            )

    # -- units -----------------------------------------------------------------------------

    def build_units(self) -> None:
        rng = self.rng
        plan: list[tuple[str, str]] = list(_MANDATORY_UNITS[: self.size.unit_count])
        organs = list(n.ORGANS)
        district_units = list(n.DISTRICT_UNITS)
        rng.shuffle(organs)
        rng.shuffle(district_units)
        budget: Counter[str] = Counter({U.ORGAN: len(organs), U.DISTRICT_UNIT: len(district_units)})
        budget.subtract(kind for kind, _ in plan)
        while len(plan) < self.size.unit_count:
            kind: str = _weighted(rng, _UNIT_KIND_WEIGHTS)
            if kind in (U.ORGAN, U.DISTRICT_UNIT):  # a limited list of names each
                if budget[kind] <= 0:
                    kind = U.NON_PUBLIC_ENTERPRISE
                else:
                    budget[kind] -= 1
            plan.append((kind, _weighted(rng, _UNIT_STATUS_WEIGHTS[kind])))
        rng.shuffle(plan)
        for kind, status in plan:
            street = rng.choice(self.streets)
            community = rng.choice(self.communities_of[street.code])
            name = self._unit_name(kind, street, community, organs, district_units)
            employees, party_members = self._unit_headcount(kind, status)
            road = rng.choice(self.roads_of[street.code])
            unit = Unit(
                name=name,
                kind=kind,
                credit_code=self._credit_code(kind, name),
                address=(
                    f"浙江省宁波市{self.district}{self.place_name_of[street.code]}街道"
                    f"{road}{rng.randint(1, 999)}号"
                ),
                employee_count=employees,
                party_member_count=party_members,
                party_org_status=status,
            )
            self.units.append(_UnitPlan(unit=unit, street=street, community=community))
        self._cover_units()

    def _unit_name(
        self,
        kind: str,
        street: PartyOrg,
        community: PartyOrg,
        organs: list[str],
        district_units: list[str],
    ) -> str:
        rng = self.rng
        fill = {
            "d": self.district,
            "s": self.place_name_of[street.code],
            "c": self.place_name_of[community.code],
        }
        if kind in (U.ORGAN, U.DISTRICT_UNIT):  # each template at most once
            return self._claim((organs if kind == U.ORGAN else district_units).pop().format(**fill))
        if kind == U.RESIDENT_UNIT:
            templates = n.RESIDENT_UNITS
        elif kind == U.SOCIAL_ORGANISATION:
            templates = n.SOCIAL_ORGANISATIONS
        else:

            def enterprise() -> str:
                prefix = _weighted(rng, n.ENTERPRISE_PREFIXES).format(d=self.district)
                industry = rng.choice(n.ENTERPRISE_INDUSTRIES)
                return f"{prefix}{self._brand()}{industry}{_weighted(rng, n.ENTERPRISE_FORMS)}"

            return self._unique(enterprise)
        return self._unique(
            lambda: rng.choice(templates).format(
                b=self._brand(), n=rng.choice(n.CHINESE_NUMERALS[:9]), x=self._place(), **fill
            )
        )

    def _unit_headcount(self, kind: str, status: str) -> tuple[int, int]:
        rng = self.rng
        if kind == U.ORGAN:
            employees = rng.randint(20, 150)
            share = rng.uniform(0.5, 0.8)
        elif kind == U.DISTRICT_UNIT:
            employees = rng.randint(40, 600)
            share = rng.uniform(0.1, 0.3)
        elif kind == U.RESIDENT_UNIT:
            employees = rng.randint(15, 400)
            share = rng.uniform(0.08, 0.3)
        elif kind == U.SOCIAL_ORGANISATION:
            employees = rng.randint(3, 45)
            share = rng.uniform(0.1, 0.3)
        else:
            employees = min(2000, max(5, int(rng.lognormvariate(math.log(40), 1.0))))
            share = rng.uniform(0.03, 0.12)
        if status == S.OWN:
            employees = max(employees, 8)
            party_members = max(3, round(employees * share))
        elif status in (S.JOINT, S.ATTACHED):
            party_members = rng.randint(1, 2)
        else:
            party_members = rng.choice((0, 0, 0, 1, 2))
        return employees, min(party_members, employees)

    def _credit_code(self, kind: str, name: str) -> str | None:
        rng = self.rng
        if kind != U.ORGAN and rng.random() < 0.12:  # not yet recorded
            return None
        if kind == U.ORGAN:
            prefix = "11"
        elif "公司" in name or name.endswith(("支行", "营业部", "加油站")):
            prefix = "91"
        elif kind == U.SOCIAL_ORGANISATION:
            prefix = "51" if name.endswith(("协会", "商会", "分会", "联谊会")) else "52"
        else:
            prefix = "12"
        while True:
            code = credit_code(prefix, self.region, f"{rng.randint(0, 99_999_999):08d}")
            if code not in self._used_credit_codes:
                self._used_credit_codes.add(code)
                return code

    def _cover_units(self) -> None:
        """Create the unit organisations, joint branches and attachments the statuses call for."""
        rng = self.rng
        # (street code, is social organisation) -> the units of the street joining one.
        joint_units: dict[tuple[str, bool], list[_UnitPlan]] = {}
        for plan in self.units:
            unit, status = plan.unit, plan.unit.party_org_status
            if status == S.OWN:
                self._own_org(plan)
            elif status == S.JOINT:
                key = (plan.street.code, unit.kind == U.SOCIAL_ORGANISATION)
                joint_units.setdefault(key, []).append(plan)
            elif status == S.ATTACHED:
                unit.covering_org = plan.community
                plan.member_orgs = [plan.community]
        for (_, is_social), plans in joint_units.items():
            # Enterprises join a street's 联合党支部; a street's social organisations join one set
            # up by the community where the first of them sits.
            parent = plans[0].community if is_social else plans[0].street
            branch_count = max(1, round(len(plans) / UNITS_PER_JOINT_BRANCH))
            branches = []
            for number in range(branch_count):
                if parent.kind == K.STREET_WORKING_COMMITTEE:
                    area = rng.choice(("商务楼宇", "工业园区", "创业园", "商贸街区", "科技园"))
                    name = self._unique(
                        partial(self._joint_name, self.place_name_of[parent.code], area)
                    )
                else:
                    ordinal = f"第{n.CHINESE_NUMERALS[number]}" if branch_count > 1 else ""
                    name = self._claim(
                        f"{self.place_name_of[parent.code]}社区社会组织{ordinal}联合党支部"
                    )
                branch = self._org(name=name, kind=K.JOINT_BRANCH, parent=parent)
                branches.append(branch)
                if rng.random() < 0.5:
                    self._org(
                        name=f"{name}第一党小组",
                        kind=K.PARTY_GROUP,
                        parent=branch,
                    )
            for i, plan in enumerate(plans):
                plan.unit.covering_org = branches[i % branch_count]
                plan.member_orgs = [branches[i % branch_count]]

    def _own_org(self, plan: _UnitPlan) -> None:
        unit = plan.unit
        if unit.kind in (U.ORGAN, U.DISTRICT_UNIT):
            parent = self.root  # 区直机关 and 区属单位 organisations answer to the district
        elif unit.kind == U.SOCIAL_ORGANISATION:
            parent = plan.community
        else:
            parent = plan.street
        base = f"{unit.name}机关" if unit.kind == U.ORGAN else unit.name
        if unit.party_member_count >= GENERAL_BRANCH_THRESHOLD:
            is_committee = unit.party_member_count >= COMMITTEE_THRESHOLD
            committee = self._org(
                name=f"{base}{'党委' if is_committee else '党总支'}", kind=K.UNIT_ORG, parent=parent
            )
            branch_count = 3 if is_committee else 2
            plan.member_orgs = [
                self._org(
                    name=f"{base}第{n.CHINESE_NUMERALS[i]}党支部",
                    kind=K.UNIT_ORG,
                    parent=committee,
                )
                for i in range(branch_count)
            ]
            unit.covering_org = committee
            return
        branch = self._org(name=f"{base}党支部", kind=K.UNIT_ORG, parent=parent)
        if unit.party_member_count >= GROUPS_THRESHOLD:
            for i in range(2):
                self._org(
                    name=f"{base}党支部第{n.CHINESE_NUMERALS[i]}党小组",
                    kind=K.PARTY_GROUP,
                    parent=branch,
                )
        unit.covering_org = branch
        plan.member_orgs = [branch]

    # -- members ---------------------------------------------------------------------------

    def build_members(self) -> None:
        rng = self.rng
        total = self.size.member_count
        categories = _apportion(total, CATEGORY_SHARES)
        rng.shuffle(categories)
        candidates = [i for i, c in enumerate(categories) if c != MemberCategory.RETIRED]
        probationary = set(
            rng.sample(candidates, min(len(candidates), max(1, round(total * PROBATIONARY_SHARE))))
        )
        work_units = self._work_unit_slots(categories.count(MemberCategory.IN_SERVICE))
        surname_weights = [1 / (rank + 4) for rank in range(len(n.SURNAMES))]
        for i, category in enumerate(categories):
            self.members.append(
                self._member(category, i in probationary, work_units, surname_weights)
            )
        self._ensure_every_education()
        self._reconcile_unit_headcounts()

    def _work_unit_slots(self, count: int) -> list[_UnitPlan]:
        """Work units for `count` in-service members, at most one per Party member a unit has
        (the rest of its members live outside the district or are not registered yet)."""
        rng = self.rng
        covered = [p for p in self.units if p.unit.party_org_status != S.NONE]
        slots = [p for p in covered for _ in range(p.unit.party_member_count)]
        rng.shuffle(slots)
        chosen = slots[:count]
        weights = [p.unit.party_member_count for p in covered]
        while len(chosen) < count:  # more members than the units declared: counts go up later
            chosen.append(rng.choices(covered, weights=weights)[0])
        return chosen

    def _member(
        self,
        category: str,
        is_probationary: bool,
        work_units: list[_UnitPlan],
        surname_weights: list[float],
    ) -> Member:
        rng = self.rng
        female_share, min_age, max_age = _PROFILE[category]
        is_male = rng.random() >= female_share
        age = rng.randint(min_age, max_age)
        born = self._date_between(
            _add_years(self.today, -age - 1) + timedelta(days=1), _add_years(self.today, -age)
        )
        era = "old" if born.year < 1965 else "mid" if born.year < 1985 else "young"
        sex = "male" if is_male else "female"
        name = rng.choices(n.SURNAMES, weights=surname_weights)[0] + rng.choice(
            n.GIVEN_NAMES[era][sex]
        )
        id_number = self._id_number(born, is_male)
        if category == MemberCategory.IN_SERVICE:
            education = _weighted(rng, _EDUCATION_WEIGHTS["young" if era == "young" else "mid"])
        elif category in (MemberCategory.LAID_OFF, MemberCategory.MOBILE):
            education = _weighted(rng, _LOW_EDUCATION)
        else:
            education = _weighted(rng, _EDUCATION_WEIGHTS[era])
        joined = self._joined_on(born, age, category, is_probationary)
        residence, work_unit = None, None
        if category == MemberCategory.IN_SERVICE:
            plan = work_units.pop()
            work_unit = plan.unit
            org = rng.choice(plan.member_orgs)
            residence = rng.choice(self.communities)
        else:
            org = self._home_org(category)
        return Member(
            name=name,
            gender=Gender.MALE if is_male else Gender.FEMALE,
            birth_date=born,
            id_number=id_number,
            phone=self._phone(category),
            education=education,
            joined_on=joined,
            status=MemberStatus.PROBATIONARY if is_probationary else MemberStatus.FULL,
            category=category,
            org=org,
            residence_community=residence,
            work_unit=work_unit,
        )

    def _id_number(self, born: date, is_male: bool) -> str:
        # The sequence's last digit is the ID number's 17th: odd for men, even for women.
        while True:
            number = make_id_number(self.region, born, self.rng.randrange(500) * 2 + is_male)
            if number not in self._used_ids:
                self._used_ids.add(number)
                return number

    def _joined_on(self, born: date, age: int, category: str, is_probationary: bool) -> date:
        rng = self.rng
        earliest = _add_years(born, MIN_JOINING_AGE)
        if is_probationary:  # joined within the last year; everyone here is 20 or older
            return self._date_between(
                max(earliest, self.today - PROBATION + timedelta(days=1)),
                self.today - timedelta(days=7),
            )
        latest = self.today - PROBATION - timedelta(days=30)
        oldest_join_age = 45 if category == MemberCategory.RETIRED else 40
        join_age = rng.randint(MIN_JOINING_AGE, max(MIN_JOINING_AGE, min(oldest_join_age, age - 2)))
        start = _add_years(born, join_age)
        return min(latest, max(earliest, self._date_between(start, start + timedelta(days=364))))

    def _phone(self, category: str) -> str:
        rng = self.rng
        if category == MemberCategory.RETIRED:
            roll = rng.random()
            if roll < 0.03:
                return ""
            if roll < 0.18:  # a landline in Ningbo (0574)
                return f"0574-8{rng.randint(0, 9_999_999):07d}"
        while True:
            phone = rng.choice(n.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
            if phone not in self._used_phones:
                self._used_phones.add(phone)
                return phone

    def _home_org(self, category: str) -> PartyOrg:
        """Where a member who is not in service holds the relation: a compound branch mostly,
        the community organisation itself sometimes, a temporary branch for many mobile members."""
        rng = self.rng
        if category == MemberCategory.MOBILE and rng.random() < 0.4:
            return rng.choice(self.temporary_branches)
        community = rng.choice(self.communities)
        if rng.random() < _IN_COMMUNITY_SHARE[category]:
            return community
        return rng.choice(self.compounds_of[community.code])

    def _ensure_every_education(self) -> None:
        present = {m.education for m in self.members}
        in_service = [m for m in self.members if m.category == MemberCategory.IN_SERVICE]
        for i, education in enumerate(e for e in Education.values if e not in present):
            in_service[i % len(in_service)].education = education

    def _reconcile_unit_headcounts(self) -> None:
        """A unit declares at least as many Party members as work there in this district."""
        working = Counter(id(m.work_unit) for m in self.members if m.work_unit is not None)
        for plan in self.units:
            unit = plan.unit
            unit.party_member_count = max(unit.party_member_count, working[id(unit)])
            unit.employee_count = max(unit.employee_count, unit.party_member_count)


def _insert(planner: _Planner) -> None:
    orgs = planner.orgs
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('orgs_partyorg', 'id'))"
            " FROM generate_series(1, %s)",
            [len(orgs)],
        )
        ids = sorted(int(row[0]) for row in cursor.fetchall())
    for org, org_id in zip(orgs, ids, strict=True):  # parents come before their children
        org.id = org_id
        org.path = f"{org.parent.path}.{org_id}" if org.parent else str(org_id)
    PartyOrg.objects.bulk_create(orgs, batch_size=BATCH_SIZE)
    Unit.objects.bulk_create([plan.unit for plan in planner.units], batch_size=BATCH_SIZE)
    Member.objects.bulk_create(planner.members, batch_size=BATCH_SIZE)


def generate_district(
    *, seed: int, size: DistrictSize, district_name: str, region_code: str
) -> GenerationReport:
    """Fill the current (empty) district schema with a generated org tree, units and members.

    Raises DistrictNotEmpty if the schema already has orgs, units or members, and ValueError for
    a region code that is not six digits or when called outside a district schema.
    """
    started = time.perf_counter()
    if not re.fullmatch(r"[1-9]\d{5}", region_code):
        raise ValueError(f"region_code must be a 6-digit administrative code, not {region_code!r}")
    schema = getattr(connection, "schema_name", get_public_schema_name())
    if schema == get_public_schema_name():
        raise ValueError("generate_district writes into a district: call it inside in_district()")
    with transaction.atomic():
        lock_org_tree(exclusive=True)
        if PartyOrg.objects.exists() or Unit.objects.exists() or Member.objects.exists():
            raise DistrictNotEmpty(
                f"Schema {schema} already has data "
                f"({PartyOrg.objects.count()} orgs, {Unit.objects.count()} units, "
                f"{Member.objects.count()} members); demo data goes into an empty district only."
            )
        planner = _Planner(
            rng=random.Random(seed), size=size, district_name=district_name, region_code=region_code
        )
        planner.build_tree()
        planner.build_temporary_branches()
        planner.build_units()
        planner.build_members()
        _insert(planner)
    return GenerationReport(
        orgs=len(planner.orgs),
        units=len(planner.units),
        members=len(planner.members),
        seconds=time.perf_counter() - started,
    )
