"""The member-work part of the canary matrix: each app of the member work by category seeds one
object of each of its types in a district (tests/<app>/isolation_seed.py, `seed(seeded) ->
{GraphQL type name: pk}`, run inside that district), and lists its root fields and mutations as
matrix cases (tests/<app>/isolation_cases.py, `CASES`)."""

import importlib
from typing import Any

from tests.support.seed import SeededDistrict

# Seeded in this order: positions and campaigns are referenced by the others.
APPS = (
    "positions",
    "campaigns",
    "discovery",
    "in_service",
    "mobile",
    "reemployment",
    "retirees",
    "help_pairs",
    "secondments",
    "transfers",
    "councils",
    "cobuilding",
    "activities",
    "public_affairs",
    "metrics",
    "units",
    "exports",
    "imports",
)


def _module(app: str, name: str) -> Any:
    try:
        return importlib.import_module(f"tests.{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"tests.{app}", f"tests.{app}.{name}"):
            raise
        return None


def seed_member_work(seeded: SeededDistrict) -> dict[str, int]:
    """Run inside the district: one object of each member-work type, by GraphQL type name."""
    objects: dict[str, int] = {}
    for app in APPS:
        module = _module(app, "isolation_seed")
        if module is not None:
            objects.update(module.seed(seeded))
    return objects


def member_work_cases() -> dict[str, Any]:
    cases: dict[str, Any] = {}
    for app in APPS:
        module = _module(app, "isolation_cases")
        if module is not None:
            cases.update(module.CASES)
    return cases
