"""Planning the members: who they are, where they hold their relation, where they work and live.

Runs after the units are planned and covered: in-service members take the orgs of their units.
"""

from collections import Counter
from datetime import date, timedelta
from itertools import accumulate

from backend.demo import names as n
from backend.demo.codes import draw_id_number, draw_unused
from backend.demo.member_profiles import (
    CATEGORY_SHARES,
    EDUCATION_WEIGHTS,
    IN_COMMUNITY_SHARE,
    LOW_EDUCATION,
    PROBATIONARY_SHARE,
    PROFILE,
)
from backend.demo.plan import DistrictPlan, UnitPlan, weighted
from backend.members.models import Education, Gender, Member, MemberCategory, MemberStatus
from backend.orgs.models import PartyOrg
from backend.units.models import PartyOrgStatus

C = MemberCategory
MIN_JOINING_AGE = 18
PROBATION = timedelta(days=365)
REPORT_EVERY = 2000  # members planned between two progress reports


def plan_members(plan: DistrictPlan) -> None:
    """`size.member_count` members, then the units' headcounts raised to match them."""
    rng = plan.rng
    total = plan.size.member_count
    categories = _apportion(total, CATEGORY_SHARES)
    rng.shuffle(categories)
    candidates = [i for i, c in enumerate(categories) if c != C.RETIRED]
    probationary = set(
        rng.sample(candidates, min(len(candidates), max(1, round(total * PROBATIONARY_SHARE))))
    )
    work_units = _work_unit_slots(plan, categories.count(C.IN_SERVICE))
    # Cumulative once, not per draw (the draws are the same as with `weights=`).
    surname_weights = list(accumulate(1 / (rank + 4) for rank in range(len(n.SURNAMES))))
    plan.report("planning members", 0, total)
    for i, category in enumerate(categories):
        plan.members.append(_member(plan, category, i in probationary, work_units, surname_weights))
        if (i + 1) % REPORT_EVERY == 0 or i + 1 == total:
            plan.report("planning members", i + 1, total)
    _ensure_every_education(plan)
    _reconcile_unit_headcounts(plan)


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


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, month=3, day=1)


def _work_unit_slots(plan: DistrictPlan, count: int) -> list[UnitPlan]:
    """Work units for `count` in-service members, at most one per Party member a unit has
    (the rest of its members live outside the district or are not registered yet)."""
    rng = plan.rng
    covered = [p for p in plan.units if p.unit.party_org_status != PartyOrgStatus.NONE]
    slots = [p for p in covered for _ in range(p.unit.party_member_count)]
    rng.shuffle(slots)
    chosen = slots[:count]
    weights = [p.unit.party_member_count for p in covered]
    while len(chosen) < count:  # more members than the units declared: counts go up later
        chosen.append(rng.choices(covered, weights=weights)[0])
    return chosen


def _member(
    plan: DistrictPlan,
    category: str,
    is_probationary: bool,
    work_units: list[UnitPlan],
    surname_weights: list[float],
) -> Member:
    rng, today = plan.rng, plan.today
    female_share, min_age, max_age = PROFILE[category]
    is_male = rng.random() >= female_share
    age = rng.randint(min_age, max_age)
    born = plan.date_between(
        _add_years(today, -age - 1) + timedelta(days=1), _add_years(today, -age)
    )
    era = "old" if born.year < 1965 else "mid" if born.year < 1985 else "young"
    sex = "male" if is_male else "female"
    surname = rng.choices(n.SURNAMES, cum_weights=surname_weights)[0]
    name = surname + rng.choice(n.GIVEN_NAMES[era][sex])
    id_number = draw_id_number(
        rng, plan.used_ids, region=plan.region_code, born=born, is_male=is_male
    )
    if category == C.IN_SERVICE:
        education = weighted(rng, EDUCATION_WEIGHTS["young" if era == "young" else "mid"])
    elif category in (C.LAID_OFF, C.MOBILE):
        education = weighted(rng, LOW_EDUCATION)
    else:
        education = weighted(rng, EDUCATION_WEIGHTS[era])
    joined = _joined_on(plan, born, age, category, is_probationary)
    residence, work_unit = None, None
    if category == C.IN_SERVICE:
        unit_plan = work_units.pop()
        work_unit = unit_plan.unit
        org = rng.choice(unit_plan.member_orgs)
        residence = rng.choice(plan.communities)
    else:
        org = _home_org(plan, category)
    member = Member(
        name=name,
        gender=Gender.MALE if is_male else Gender.FEMALE,
        birth_date=born,
        education=education,
        joined_on=joined,
        status=MemberStatus.PROBATIONARY if is_probationary else MemberStatus.FULL,
        category=category,
        org=org,
        residence_community=residence,
        work_unit=work_unit,
    )
    # The properties fill the encrypted, keyed-hash and masked columns (random nonces: the only
    # part of the demo that differs between runs besides the database ids).
    member.id_number = id_number
    member.phone = _phone(plan, category)
    return member


def _joined_on(
    plan: DistrictPlan, born: date, age: int, category: str, is_probationary: bool
) -> date:
    rng, today = plan.rng, plan.today
    earliest = _add_years(born, MIN_JOINING_AGE)
    if is_probationary:  # joined within the last year; everyone here is 20 or older
        return plan.date_between(
            max(earliest, today - PROBATION + timedelta(days=1)),
            today - timedelta(days=7),
        )
    latest = today - PROBATION - timedelta(days=30)
    oldest_join_age = 45 if category == C.RETIRED else 40
    join_age = rng.randint(MIN_JOINING_AGE, max(MIN_JOINING_AGE, min(oldest_join_age, age - 2)))
    start = _add_years(born, join_age)
    return min(latest, max(earliest, plan.date_between(start, start + timedelta(days=364))))


def _phone(plan: DistrictPlan, category: str) -> str:
    rng = plan.rng
    if category == C.RETIRED:
        roll = rng.random()
        if roll < 0.03:
            return ""
        if roll < 0.18:  # a landline in the district's city (0574 in Ningbo)
            return f"{plan.area_code}-8{rng.randint(0, 9_999_999):07d}"
    return draw_unused(
        lambda: rng.choice(n.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}",
        plan.used_phones,
    )


def _home_org(plan: DistrictPlan, category: str) -> PartyOrg:
    """Where a member who is not in service holds the relation: a compound branch mostly,
    the community organisation itself sometimes, a temporary branch for many mobile members."""
    rng = plan.rng
    if category == C.MOBILE and rng.random() < 0.4:
        return rng.choice(plan.temporary_branches)
    community = rng.choice(plan.communities)
    if rng.random() < IN_COMMUNITY_SHARE[category]:
        return community
    return rng.choice(plan.compounds_of[community.code])


def _ensure_every_education(plan: DistrictPlan) -> None:
    present = {m.education for m in plan.members}
    in_service = [m for m in plan.members if m.category == C.IN_SERVICE]
    for i, education in enumerate(e for e in Education.values if e not in present):
        in_service[i % len(in_service)].education = education


def _reconcile_unit_headcounts(plan: DistrictPlan) -> None:
    """A unit declares at least as many Party members as work there in this district."""
    working = Counter(id(m.work_unit) for m in plan.members if m.work_unit is not None)
    for unit_plan in plan.units:
        unit = unit_plan.unit
        unit.party_member_count = max(unit.party_member_count, working[id(unit)])
        unit.employee_count = max(unit.employee_count, unit.party_member_count)
