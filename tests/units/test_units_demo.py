"""The demo's units: every generated unit sits in a community (its locality), and the units demo
gives 两新组织 their 党建指导员 and 联络员 without overlaps."""

import random
from datetime import date

import pytest

from backend.demo.generator import SIZES, generate_district
from backend.orgs.rules import COMMUNITY_KINDS
from backend.units import demo as units_demo
from backend.units.models import Unit, UnitAssignment
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def tiny_district() -> str:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="demounits",
        name="演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("demounits"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
    return "demounits"


def test_units_sit_in_communities_and_get_instructors(tiny_district: str) -> None:
    with in_district(tiny_district):
        units = list(Unit.objects.select_related("locality"))
        assert units
        assert all(u.locality is not None and u.locality.kind in COMMUNITY_KINDS for u in units)

        counts = units_demo.populate(random.Random(5), TODAY)
        assert counts["instructors"] > 0
        serving = UnitAssignment.objects.filter(start_date__lte=TODAY, end_date__isnull=True)
        assert serving.count() == counts["instructors"] + counts["liaisons"]
        for assignment in UnitAssignment.objects.select_related("unit", "assigned_by"):
            assert assignment.unit.kind in units_demo.IN_SCOPE
            assert assignment.assigned_by.kind == "street_working_committee"
            assert assignment.start_date <= TODAY
            assert assignment.end_date is None or assignment.end_date <= TODAY
            if assignment.role == "instructor":
                assert assignment.unit.party_org_status in ("none", "attached")
        # Run again: only units without someone in a role may get one; none gets a second.
        before = set(UnitAssignment.objects.values_list("unit_id", "role"))
        units_demo.populate(random.Random(6), TODAY)
        for unit_id, role in before:
            assert UnitAssignment.objects.filter(unit_id=unit_id, role=role).count() <= 2
            assert (
                UnitAssignment.objects.filter(
                    unit_id=unit_id, role=role, end_date__isnull=True
                ).count()
                == 1
            )
