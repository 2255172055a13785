"""How big a generated district is, and what generating one reports."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DistrictSize:
    streets: int
    communities_per_street: int
    compounds_per_community: int
    groups_per_compound: int
    unit_count: int
    member_count: int


# The org tree is five levels deep (district committee → street → community → compound branch →
# group), unit organisations hang under the district, streets and communities; the orgs a size
# yields depend on its units' Party organisation statuses (tests/demo checks every size against
# its target). Units counted are those the 组织部 keeps a record of, not every registered business.
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
    # Benchmark sizes, each within 10 % of the orgs and members of the district it follows. Street
    # and community counts are the real ones where known, else assumed; units are then chosen so
    # that the unit organisations make up the rest of the orgs.
    # S follows 宁波市鄞州区 at the end of 2023: about 3,700 Party organisations and 72,000
    # members, its 22 街道 and towns (names.STREETS_BY_DISTRICT), ~260 communities and villages.
    "S": DistrictSize(
        streets=22,
        communities_per_street=12,
        compounds_per_community=3,
        groups_per_compound=2,
        unit_count=2400,
        member_count=72000,
    ),
    # M follows an average 上海 district: about 5,200 orgs and 107,000 members; the city's 215
    # 街道, towns and townships and ~6,000 居委会 and 村委会 over 16 districts give 13 streets of
    # ~36 communities each.
    "M": DistrictSize(
        streets=13,
        communities_per_street=36,
        compounds_per_community=2,
        groups_per_compound=2,
        unit_count=4500,
        member_count=107000,
    ),
    # L follows a large district like 上海市浦东新区 (36 街道 and towns, ~1,100 居委会 and
    # 村委会): about 10,000 orgs and 150,000 members.
    "L": DistrictSize(
        streets=36,
        communities_per_street=30,
        compounds_per_community=2,
        groups_per_compound=2,
        unit_count=6500,
        member_count=150000,
    ),
}

# How generation advances: (stage, done, total), called every few thousand rows, never per row.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class GenerationReport:
    orgs: int
    units: int
    members: int
    seconds: float  # in all
    planning_seconds: float  # building the plan in memory
    insert_seconds: float  # writing it with COPY


class DistrictNotEmpty(RuntimeError):
    """The schema already holds data; demo data is only generated into an empty district."""
