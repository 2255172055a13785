"""The demo's member work: a year or two of reporting, cards, mobile-member groups, re-employment,
retirees' homes and roles, help pairs, secondments, units' instructors and liaisons, and relation
transfers, on top of a generated district (backend.demo.generator), and the deliveries between
demo districts.

Each app writes its own histories (`<app>.demo.populate`); this module only decides the order and
gives each app its own random stream, so adding one app's demo does not change another's.
"""

import random
import zlib
from collections.abc import Callable
from datetime import date
from types import ModuleType

from backend.help_pairs import demo as help_pairs
from backend.in_service import demo as in_service
from backend.mobile import demo as mobile
from backend.positions import demo as positions
from backend.reemployment import demo as reemployment
from backend.retirees import demo as retirees
from backend.secondments import demo as secondments
from backend.transfers import demo as transfers
from backend.units import demo as units

# Homes and stations first (retirees, reemployment create the positions they need), then the
# positions demo fills in the other kinds; transfers last, since they move members between orgs.
IN_DISTRICT: tuple[ModuleType, ...] = (
    mobile,
    in_service,
    reemployment,
    retirees,
    help_pairs,
    positions,
    secondments,
    units,
    transfers,
)
BETWEEN_DISTRICTS: tuple[ModuleType, ...] = (in_service, transfers)


def _stream(seed: int, module: ModuleType) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32(module.__name__.encode()))


def populate_in_order(modules: tuple[ModuleType, ...], *, seed: int, today: date) -> dict[str, int]:
    """Run each module's `populate(rng, today)` in order; returns rows created by name."""
    created: dict[str, int] = {}
    for module in modules:
        populate: Callable[[random.Random, date], dict[str, int]] = module.populate
        created.update(populate(_stream(seed, module), today))
    return created


def member_work_populate(*, seed: int, today: date | None = None) -> dict[str, int]:
    """Fill the current district's member work; returns rows created by name."""
    return populate_in_order(IN_DISTRICT, seed=seed, today=today or date.today())


def member_work_between(
    *, seed: int, sender_code: str, recipient_code: str, today: date | None = None
) -> dict[str, int]:
    """Deliveries from one demo district to another: feedback cards, relation transfers."""
    today = today or date.today()
    created: dict[str, int] = {}
    for module in BETWEEN_DISTRICTS:
        created.update(
            module.populate_between(_stream(seed, module), today, sender_code, recipient_code)
        )
    return created
