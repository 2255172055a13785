"""Planning the units: their kinds and Party organisation statuses, names, addresses, headcounts
and 统一社会信用代码. The orgs their statuses call for are planned by unit_orgs."""

import math
import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.utils import timezone

from backend.demo import names as n
from backend.demo.codes import credit_code, credit_prefix, draw_unused
from backend.demo.plan import DistrictPlan, UnitPlan, weighted
from backend.orgs.models import PartyOrg
from backend.units.models import PartyOrgStatus, Unit, UnitKind

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
# Units have no registration date: the metrics count a unit from the day its record was made
# (created_at). The demo spreads those days over the two years before plan.today, so that its
# history has units to count, not just the day it was generated.
REGISTERED_WITHIN_DAYS = 730


def plan_units(plan: DistrictPlan) -> None:
    """`size.unit_count` units spread over the streets and communities, none covered yet."""
    rng = plan.rng
    kinds: list[tuple[str, str]] = list(_MANDATORY_UNITS[: plan.size.unit_count])
    organs = list(n.ORGANS)
    district_units = list(n.DISTRICT_UNITS)
    rng.shuffle(organs)
    rng.shuffle(district_units)
    budget: Counter[str] = Counter({U.ORGAN: len(organs), U.DISTRICT_UNIT: len(district_units)})
    budget.subtract(kind for kind, _ in kinds)
    while len(kinds) < plan.size.unit_count:
        kind: str = weighted(rng, _UNIT_KIND_WEIGHTS)
        if kind in (U.ORGAN, U.DISTRICT_UNIT):  # a limited list of names each
            if budget[kind] <= 0:
                kind = U.NON_PUBLIC_ENTERPRISE
            else:
                budget[kind] -= 1
        kinds.append((kind, weighted(rng, _UNIT_STATUS_WEIGHTS[kind])))
    rng.shuffle(kinds)
    for kind, status in kinds:
        street = rng.choice(plan.streets)
        community = rng.choice(plan.communities_of[street.code])
        name = _unit_name(plan, kind, street, community, organs, district_units)
        employees, party_members = _unit_headcount(plan, kind, status)
        road = rng.choice(plan.roads_of[street.code])
        unit = Unit(
            name=name,
            kind=kind,
            credit_code=_credit_code(plan, kind, name),
            address=(
                f"{plan.city}{plan.district_name}{plan.place_name_of[street.code]}街道"
                f"{road}{rng.randint(1, 999)}号"
            ),
            employee_count=employees,
            party_member_count=party_members,
            party_org_status=status,
            locality=community,  # 属地: the community whose area the unit sits in
            created_at=_registered_at(plan, name),
        )
        plan.units.append(UnitPlan(unit=unit, street=street, community=community))


def _registered_at(plan: DistrictPlan, name: str) -> datetime:
    """A working hour on one of the days before plan.today, drawn from the unit's own stream
    (its name), not the plan's: the draw changes no other row of the seed."""
    rng = random.Random(f"{plan.region_code}/{name}")
    day = plan.today - timedelta(days=rng.randint(1, REGISTERED_WITHIN_DAYS))
    opening = datetime.combine(day, time(9), tzinfo=timezone.get_default_timezone())
    return opening + timedelta(minutes=rng.randint(0, 8 * 60))


def _unit_name(
    plan: DistrictPlan,
    kind: str,
    street: PartyOrg,
    community: PartyOrg,
    organs: list[str],
    district_units: list[str],
) -> str:
    rng = plan.rng
    fill = {
        "d": plan.district_name,
        "s": plan.place_name_of[street.code],
        "c": plan.place_name_of[community.code],
    }
    if kind in (U.ORGAN, U.DISTRICT_UNIT):  # each template at most once
        return plan.claim((organs if kind == U.ORGAN else district_units).pop().format(**fill))
    if kind == U.RESIDENT_UNIT:
        templates = n.RESIDENT_UNITS
    elif kind == U.SOCIAL_ORGANISATION:
        templates = n.SOCIAL_ORGANISATIONS
    else:

        def enterprise() -> str:
            prefix = weighted(rng, n.ENTERPRISE_PREFIXES).format(d=plan.district_name)
            industry = rng.choice(n.ENTERPRISE_INDUSTRIES)
            return f"{prefix}{plan.brand()}{industry}{weighted(rng, n.ENTERPRISE_FORMS)}"

        return plan.unique(enterprise)
    return plan.unique(
        lambda: rng.choice(templates).format(
            b=plan.brand(), n=rng.choice(n.CHINESE_NUMERALS[:9]), x=plan.place(), **fill
        )
    )


def _unit_headcount(plan: DistrictPlan, kind: str, status: str) -> tuple[int, int]:
    """(employees, Party members) for a unit of this kind and status."""
    rng = plan.rng
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


def _credit_code(plan: DistrictPlan, kind: str, name: str) -> str | None:
    rng = plan.rng
    if kind != U.ORGAN and rng.random() < 0.12:  # not yet recorded
        return None
    prefix = credit_prefix(kind, name)
    return draw_unused(
        lambda: credit_code(prefix, plan.region_code, f"{rng.randint(0, 99_999_999):08d}"),
        plan.used_credit_codes,
    )
