"""How big a generated district is, and what generating one reports."""

from dataclasses import dataclass


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
