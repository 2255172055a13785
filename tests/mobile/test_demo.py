"""The demo data for discovery and mobile members, on a generated tiny district."""

import random
from datetime import date

import pytest
from django.db.models import Count, F

from backend.demo.generator import SIZES, generate_district
from backend.demo.plan import REFERENCE_DATE
from backend.members.models import Member, Registration, RegistrationSource
from backend.mobile.demo import populate
from backend.mobile.models import MobileAssignment, MobileMemberProfile
from backend.mobile.selectors import profile_list
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db


def test_populate_follows_the_rules() -> None:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="mobiledemo",
        name="演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    today = min(date.today(), REFERENCE_DATE)
    with in_district("mobiledemo"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
        counts = populate(random.Random(7), today)
        assert counts["registrations"] == Registration.objects.count() > 0
        assert counts["mobile_profiles"] == MobileMemberProfile.objects.count()
        assert counts["mobile_profiles"] == Member.objects.filter(category="mobile").count()
        assert counts["mobile_assignments"] == MobileAssignment.objects.count()
        assert counts["temporary_branches_closed"] == 1
        # Every community: all four sources, someone still waiting.
        for community in PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS):
            rows = Registration.objects.filter(community=community)
            assert set(rows.values_list("source", flat=True)) == set(RegistrationSource.values)
            assert rows.filter(placed_on__isnull=True, left_on__isnull=True).exists()
            for row in rows.filter(placed_in__isnull=False).select_related("placed_in"):
                assert row.placed_in is not None
                assert str(row.placed_in.path).startswith(str(community.path))
        assert (
            counts["registrations_unplaced"]
            == Registration.objects.filter(placed_on=None, left_on=None).count()
        )
        # Most mobile members are assigned today, some are not; nobody twice at once.
        without = profile_list(assigned=False, on=today).count()
        assert 0 < without < counts["mobile_profiles"] / 2
        assert (
            not MobileAssignment.objects.filter(end_date=None)
            .values("profile")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .exists()
        )
        closed = MobileAssignment.objects.filter(end_reason="branch_closed")
        assert closed.exists()
        branch = closed.first().org  # type: ignore[union-attr]
        assert branch.end_date == closed.first().end_date  # type: ignore[union-attr]
        reassigned = MobileAssignment.objects.filter(
            profile__in=closed.values("profile"), start_date=branch.end_date, end_date=None
        )
        assert reassigned.count() == closed.count()
        for a in MobileAssignment.objects.select_related("org", "profile"):
            assert a.start_date >= a.profile.registered_on
            assert a.org.established_on is None or a.start_date >= a.org.established_on
            assert a.end_date is None or a.end_date >= a.start_date
        # Nobody starts in an org on or after the day it closed.
        assert not MobileAssignment.objects.filter(start_date__gte=F("org__end_date")).exists()
