"""Deterministic demo and benchmark data for one district: the org tree, units and members.

`generate_district` writes into the *current* schema (wrap the call in `in_district(...)`), in one
transaction, with PostgreSQL COPY (backend.demo.insert). Everything is drawn from one
`random.Random(seed)`, and dates are relative to the fixed `plan.REFERENCE_DATE`, so a seed always
yields the same names, codes, ID numbers and tree shape; only the database ids, the timestamps and
the ciphertext bytes of ID numbers and phones (fresh random nonces; their keyed hashes and masked
forms are the same) differ between runs.

The data obeys the same rules as the services (orgs.rules, units.services, members.services): it is
built in memory as a plan and inserted directly, because going through the services one row at a
time would take hours for a benchmark-sized district.

The plan (plan.DistrictPlan) is built by org_plan (the tree and temporary branches), unit_plan
(the units), unit_orgs (the orgs covering them) and member_plan (the members), in that order.
"""

import random
import re
import time

from django.db import transaction

from backend.demo.codes import credit_code
from backend.demo.insert import insert_plan
from backend.demo.member_plan import plan_members
from backend.demo.org_plan import plan_temporary_branches, plan_tree
from backend.demo.plan import DistrictPlan
from backend.demo.sizes import (
    SIZES,
    DistrictNotEmpty,
    DistrictSize,
    GenerationReport,
    Progress,
)
from backend.demo.unit_orgs import cover_units
from backend.demo.unit_plan import plan_units
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.services import lock_org_tree
from backend.units.models import Unit
from tenants.context import current_district

__all__ = [
    "SIZES",
    "DistrictNotEmpty",
    "DistrictSize",
    "GenerationReport",
    "Progress",
    "credit_code",
    "generate_district",
    "plan_district",
]


def plan_district(
    *,
    seed: int,
    size: DistrictSize,
    district_name: str,
    region_code: str,
    progress: Progress | None = None,
    members: bool = True,
) -> DistrictPlan:
    """The district's plan, in memory only; `members=False` stops before the members."""
    plan = DistrictPlan(
        rng=random.Random(seed),
        size=size,
        district_name=district_name,
        region_code=region_code,
        progress=progress,
    )
    # The order is part of the seed's meaning: every step draws from the same rng.
    steps = (plan_tree, plan_temporary_branches, plan_units, cover_units)
    for done, step in enumerate(steps):
        plan.report("planning orgs and units", done, len(steps))
        step(plan)
    plan.report("planning orgs and units", len(steps), len(steps))
    if members:
        plan_members(plan)
    return plan


def generate_district(
    *,
    seed: int,
    size: DistrictSize,
    district_name: str,
    region_code: str,
    progress: Progress | None = None,
) -> GenerationReport:
    """Fill the current (empty) district schema with a generated org tree, units and members.

    `progress(stage, done, total)` is called as planning and inserting advance. Raises
    DistrictNotEmpty if the schema already has orgs, units or members, and ValueError for a region
    code that is not six digits or when called outside a district schema.
    """
    started = time.perf_counter()
    if not re.fullmatch(r"[1-9]\d{5}", region_code):
        raise ValueError(f"region_code must be a 6-digit administrative code, not {region_code!r}")
    district = current_district()
    if district is None:
        raise ValueError("generate_district writes into a district: call it inside in_district()")
    with transaction.atomic():
        lock_org_tree(exclusive=True)
        if PartyOrg.objects.exists() or Unit.objects.exists() or Member.objects.exists():
            raise DistrictNotEmpty(
                f"District {district.code} already has data "
                f"({PartyOrg.objects.count()} orgs, {Unit.objects.count()} units, "
                f"{Member.objects.count()} members); demo data goes into an empty district only."
            )
        plan = plan_district(
            seed=seed,
            size=size,
            district_name=district_name,
            region_code=region_code,
            progress=progress,
        )
        planned = time.perf_counter()
        insert_plan(plan, progress)
    finished = time.perf_counter()
    return GenerationReport(
        orgs=len(plan.orgs),
        units=len(plan.units),
        members=len(plan.members),
        seconds=finished - started,
        planning_seconds=planned - started,
        insert_seconds=finished - planned,
    )
