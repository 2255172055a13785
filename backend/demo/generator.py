"""Deterministic demo data for one district: the org tree, units and members.

`generate_district` writes into the *current* schema (wrap the call in `in_district(...)`), in one
transaction, with bulk inserts. Everything is drawn from one `random.Random(seed)`, and dates are
relative to the fixed `plan.REFERENCE_DATE`, so a seed always yields the same names, codes, ID
numbers and tree shape; only the database ids and the ciphertext bytes of ID numbers and phones
(fresh random nonces; their keyed hashes and masked forms are the same) differ between runs.

The data obeys the same rules as the services (orgs.rules, units.services, members.services): it is
built in memory as a plan and inserted directly, because going through the services one row at a
time would take minutes for a demo-sized district.

The plan (plan.DistrictPlan) is built by org_plan (the tree and temporary branches), unit_plan
(the units), unit_orgs (the orgs covering them) and member_plan (the members), in that order.
"""

import random
import re
import time

from django.db import connection, transaction

from backend.demo.codes import credit_code
from backend.demo.member_plan import plan_members
from backend.demo.org_plan import plan_temporary_branches, plan_tree
from backend.demo.plan import DistrictPlan
from backend.demo.sizes import SIZES, DistrictNotEmpty, DistrictSize, GenerationReport
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
    "credit_code",
    "generate_district",
]

BATCH_SIZE = 2000


def _insert(plan: DistrictPlan) -> None:
    orgs = plan.orgs
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('orgs_partyorg', 'id'))"
            " FROM generate_series(1, %s)",
            [len(orgs)],
        )
        ids = sorted(int(row[0]) for row in cursor.fetchall())
    for org, org_id in zip(orgs, ids, strict=True):  # parents come before their children
        org.id = org_id
        org.path = f"{org.parent.path}.{org_id}" if org.parent else str(org_id)
    PartyOrg.objects.bulk_create(orgs, batch_size=BATCH_SIZE)
    Unit.objects.bulk_create([unit_plan.unit for unit_plan in plan.units], batch_size=BATCH_SIZE)
    Member.objects.bulk_create(plan.members, batch_size=BATCH_SIZE)


def generate_district(
    *, seed: int, size: DistrictSize, district_name: str, region_code: str
) -> GenerationReport:
    """Fill the current (empty) district schema with a generated org tree, units and members.

    Raises DistrictNotEmpty if the schema already has orgs, units or members, and ValueError for
    a region code that is not six digits or when called outside a district schema.
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
        plan = DistrictPlan(
            rng=random.Random(seed), size=size, district_name=district_name, region_code=region_code
        )
        # The order is part of the seed's meaning: every step draws from the same rng.
        plan_tree(plan)
        plan_temporary_branches(plan)
        plan_units(plan)
        cover_units(plan)
        plan_members(plan)
        _insert(plan)
    return GenerationReport(
        orgs=len(plan.orgs),
        units=len(plan.units),
        members=len(plan.members),
        seconds=time.perf_counter() - started,
    )
