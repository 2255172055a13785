"""The benchmark sizes land within 10 % of the districts they follow (planning only, no database)."""

from collections import Counter

import pytest

from backend.demo.generator import SIZES, plan_district
from backend.demo.plan import DistrictPlan
from backend.orgs.models import PartyOrg, PartyOrgKind

# (orgs, members) of the district each size follows (see backend/demo/sizes.py).
TARGETS = {"S": (3700, 72000), "M": (5200, 107000), "L": (10000, 150000)}


def _within_ten_percent(actual: int, target: int) -> bool:
    return abs(actual - target) <= target / 10


def _depth(org: PartyOrg) -> int:
    return 1 if org.parent is None else 1 + _depth(org.parent)


def _structure(size: str, seed: int, name: str, region: str) -> DistrictPlan:
    return plan_district(
        seed=seed, size=SIZES[size], district_name=name, region_code=region, members=False
    )


@pytest.mark.parametrize("size", sorted(TARGETS))
@pytest.mark.parametrize(
    ("seed", "name", "region"), [(1, "鄞州区", "330212"), (2, "黄浦区", "310101")]
)
def test_a_benchmark_size_has_its_targets_orgs_and_units(
    size: str, seed: int, name: str, region: str
) -> None:
    plan = _structure(size, seed, name, region)
    target_orgs, target_members = TARGETS[size]
    assert _within_ten_percent(len(plan.orgs), target_orgs), len(plan.orgs)
    assert _within_ten_percent(SIZES[size].member_count, target_members)
    assert len(plan.units) >= 1000
    depths = Counter(_depth(org) for org in plan.orgs)
    assert max(depths) == 5
    assert depths[5] > 1000
    assert {org.kind for org in plan.orgs} == set(PartyOrgKind.values)


def test_an_s_district_plans_all_its_members() -> None:
    plan = plan_district(
        seed=3, size=SIZES["S"], district_name="黄浦区", region_code="310101", members=True
    )
    orgs = {id(org) for org in plan.orgs}
    assert len(plan.members) == SIZES["S"].member_count
    assert _within_ten_percent(len(plan.members), TARGETS["S"][1])
    assert len({m.id_number_hash for m in plan.members}) == len(plan.members)
    mobiles = [m.phone_hash for m in plan.members if m.phone_masked.startswith("1")]
    assert len(set(mobiles)) == len(mobiles) > 60000  # landlines may be shared by a household
    assert all(id(m.org) in orgs for m in plan.members)
    assert all(p.unit.address.startswith("上海市黄浦区") for p in plan.units)
