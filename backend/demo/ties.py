"""The demo's horizontal ties (共驻共建): councils with their meetings, co-building pairs with their
service records, a year of activities and volunteer teams, and public-affairs associations, on top
of a generated district. The benchmark's districts get the councils and pairs, which make the
co-building graph it measures.

Each app writes its own (`<app>.demo.populate`); this module decides the order (activities happen
under the pairs and councils, so they come after) and gives each app its own random stream.
"""

from datetime import date
from types import ModuleType

from django.db.models import Q
from django.utils import timezone

from backend.activities import demo as activities
from backend.cobuilding import demo as cobuilding
from backend.cobuilding.models import CoBuildingPair
from backend.councils import demo as councils
from backend.councils.models import CouncilMembership
from backend.demo.member_work import populate_in_order
from backend.public_affairs import demo as public_affairs

TIES: tuple[ModuleType, ...] = (councils, cobuilding, activities, public_affairs)
# What the co-building graph is made of: enough for the benchmark.
GRAPH: tuple[ModuleType, ...] = (councils, cobuilding)


def ties_populate(
    *, seed: int, today: date | None = None, modules: tuple[ModuleType, ...] = TIES
) -> dict[str, int]:
    """Fill the current district's horizontal ties; returns rows created by name."""
    return populate_in_order(modules, seed=seed, today=today or date.today())


def ties_counts() -> dict[str, int]:
    """The co-building graph's edges alive today, in the current district."""
    today = timezone.localdate()
    # As the graph reads a pair's period: from starts_on to the day it ended, else ends_on.
    alive = Q(starts_on__lte=today) & (
        Q(ended_on__isnull=True, ends_on__gte=today) | Q(ended_on__gte=today)
    )
    return {
        "active co-building pairs": CoBuildingPair.objects.filter(alive).count(),
        "council memberships": CouncilMembership.objects.filter(
            # A membership runs up to, not including, the day it is left.
            Q(joined_on__lte=today) & (Q(left_on__isnull=True) | Q(left_on__gt=today))
        ).count(),
    }
