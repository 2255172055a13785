"""The demo's units: every generated unit sits in a community (its locality) and was registered
over the two years before the demo's day, so the demo's history has coverage to show; the units
demo gives 两新组织 their 党建指导员 and 联络员 without overlaps."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from backend.demo.generator import SIZES, generate_district
from backend.demo.plan import REFERENCE_DATE
from backend.demo.unit_plan import REGISTERED_WITHIN_DAYS
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.units import demo as units_demo
from backend.units.models import Unit, UnitAssignment
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create
from tests.metrics.support import compute_metrics, figure, month

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


def test_units_were_registered_over_two_years_so_past_months_have_coverage(
    tiny_district: str,
) -> None:
    demo_day = min(date.today(), REFERENCE_DATE)  # plan.today
    with in_district(tiny_district):
        days = sorted(
            timezone.localdate(created)
            for created in Unit.objects.values_list("created_at", flat=True)
        )
        assert days[0] >= demo_day - timedelta(days=REGISTERED_WITHIN_DAYS)
        assert days[-1] < demo_day
        assert (days[-1] - days[0]).days > 365  # spread out, not all on one day

        units_demo.populate(random.Random(5), TODAY)
        past = month(f"{demo_day.year - 1}-{demo_day.month:02d}")  # a year before the demo's day
        compute_metrics(None, past, today=TODAY, metrics=("org_coverage", "work_coverage"))
        root = PartyOrg.objects.get(parent__isnull=True)
        in_scope = Unit.objects.filter(kind__in=units_demo.IN_SCOPE).count()
        for metric in ("org_coverage", "work_coverage"):
            found = figure(root, metric, past)
            # Some units already counted a year back, fewer than now.
            assert 0 < found.denominator < in_scope, metric
            assert found.value is not None, metric
