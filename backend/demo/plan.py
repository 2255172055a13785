"""The district plan: what the org, unit and member planners build in memory and share.

Every random draw comes from the plan's one `random.Random`, and the planners run in a fixed order
(org tree, temporary branches, units, members), so a seed always yields the same plan.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import TypeVar

from backend.demo import names as n
from backend.demo.sizes import DistrictSize, Progress
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.units.models import Unit

T = TypeVar("T")

# Ages, joining dates, temporary branches' end dates … are computed from this day, not from
# today, so that a seed reproduces the same data whenever it runs.
REFERENCE_DATE = date(2026, 6, 30)


@dataclass
class UnitPlan:
    unit: Unit
    street: PartyOrg
    community: PartyOrg
    # Where in-service members working here hold their organisational relation.
    member_orgs: list[PartyOrg] = field(default_factory=list)


def weighted(rng: random.Random, pairs: tuple[tuple[T, int], ...] | list[tuple[T, int]]) -> T:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


class DistrictPlan:
    """The district being built: its rows so far, the places they refer to, the names taken."""

    root: PartyOrg  # the district committee, set by org_plan.plan_tree

    def __init__(
        self,
        *,
        rng: random.Random,
        size: DistrictSize,
        district_name: str,
        region_code: str,
        progress: Progress | None = None,
    ):
        self.rng = rng
        self.size = size
        self.district_name = district_name
        self.region_code = region_code
        self.city, self.area_code = n.CITIES.get(region_code[:4], n.DEFAULT_CITY)
        self.progress = progress
        self.today = min(date.today(), REFERENCE_DATE)
        self.orgs: list[PartyOrg] = []  # parents before their children
        self.units: list[UnitPlan] = []
        self.members: list[Member] = []
        self.child_counts: Counter[str] = Counter()  # org code -> children so far
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.used_credit_codes: set[str] = set()
        self.streets: list[PartyOrg] = []
        self.communities: list[PartyOrg] = []
        self.communities_of: dict[str, list[PartyOrg]] = {}  # street code -> communities
        self.compounds_of: dict[str, list[PartyOrg]] = {}  # community code -> compounds
        self.temporary_branches: list[PartyOrg] = []
        self.roads_of: dict[str, list[str]] = {}  # street code -> road names
        self.place_name_of: dict[str, str] = {}  # street/community code -> 钟公庙, 华城 …

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def unique(self, make: Callable[[], str], *, attempts: int = 50) -> str:
        """A name from `make()` not used before in this district (numbered if it keeps clashing)."""
        for _ in range(attempts):
            candidate = make()
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
        base, i = make(), 2
        while f"{base}{i}" in self.used_names:
            i += 1
        self.used_names.add(f"{base}{i}")
        return f"{base}{i}"

    def claim(self, name: str) -> str:
        """`name` itself if still free, else `name` numbered."""
        return self.unique(partial(str, name), attempts=1)

    def place(self) -> str:
        while True:
            first, second = self.rng.choice(n.PLACE_FIRST), self.rng.choice(n.PLACE_SECOND)
            if first != second:
                return first + second

    def brand(self) -> str:
        return self.rng.choice(n.BRAND_FIRST) + self.rng.choice(n.BRAND_SECOND)

    def date_between(self, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))
