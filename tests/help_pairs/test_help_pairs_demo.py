"""The help-pair demo data follows the app's rules in a generated tiny district."""

import random
from datetime import date

import pytest
from django.db.models import Exists, F, OuterRef, Q

from backend.demo.generator import SIZES, generate_district
from backend.help_pairs.demo import populate
from backend.help_pairs.models import HelpPair, HelpVisit, Household, HouseholdKind
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def test_populate_a_tiny_district() -> None:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="helpdemo",
        name="帮扶演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("helpdemo"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
        counts = populate(random.Random(7), TODAY)
        assert counts["households"] == Household.objects.count() > 0
        assert counts["help_pairs"] == HelpPair.objects.count() > 0
        assert counts["help_visits"] == HelpVisit.objects.count() > counts["help_pairs"]
        kinds = set(Household.objects.values_list("kind", flat=True))
        assert {
            HouseholdKind.HARDSHIP_WORKER,
            HouseholdKind.LAID_OFF_WORKER,
            HouseholdKind.MILITARY_FAMILY,
            HouseholdKind.LONELY_ELDERLY,
        } <= kinds
        active = HelpPair.objects.filter(household=OuterRef("pk"), end_on__isnull=True)
        gaps = Household.objects.filter(closed_on__isnull=True).filter(~Exists(active))
        assert gaps.count() == counts["households_without_helper"] > 0
        assert all(h.phone_masked and "*" in h.phone_masked for h in Household.objects.all())
        outside = HelpVisit.objects.filter(
            Q(visited_on__lt=F("pair__start_on"))
            | Q(visited_on__gt=F("pair__end_on"))
            | Q(visited_on__gt=TODAY)
        )
        assert not outside.exists()
        assert (
            HelpVisit.objects.filter(visited_on__lt=date(2025, 7, 30)).count()
            < counts["help_visits"]
        )
