"""The retired-members demo data follows the app's rules in a generated tiny district."""

import random
from datetime import date

import pytest
from django.db.models import Count

from backend.demo.generator import SIZES, generate_district
from backend.members.models import MemberCategory
from backend.positions.models import Position, PositionKind
from backend.retirees.demo import populate
from backend.retirees.models import (
    BuildingRole,
    BuildingRoleKind,
    HomeMembership,
    InterestTeam,
    InterestTeamKind,
    InterestTeamMembership,
)
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def test_populate_a_tiny_district() -> None:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="retdemo",
        name="离退演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("retdemo"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
        counts = populate(random.Random(7), TODAY)
        assert (
            counts["member_homes"]
            == Position.objects.filter(kind=PositionKind.MEMBER_HOME).count()
            > 0
        )
        assert counts["home_memberships"] == HomeMembership.objects.count() > 0
        assert counts["building_roles"] == BuildingRole.objects.count() > 0
        assert counts["interest_teams"] == InterestTeam.objects.count() > 0
        assert counts["interest_team_memberships"] == InterestTeamMembership.objects.count() > 0
        kinds = set(InterestTeam.objects.values_list("kind", flat=True))
        assert {InterestTeamKind.ELDER_UNIVERSITY, InterestTeamKind.GREENING} <= kinds

        for membership in HomeMembership.objects.select_related("member__org", "home__community"):
            assert membership.member.category == MemberCategory.RETIRED
            assert membership.member.org.path.startswith(membership.home.community.path)
            assert membership.joined_on <= TODAY
            assert membership.left_on is None or membership.joined_on <= membership.left_on <= TODAY
        # Past terms exist, and no building group has two current leaders.
        leaders = BuildingRole.objects.filter(role=BuildingRoleKind.GROUP_LEADER)
        assert leaders.filter(end_on__isnull=False).exists()
        current = leaders.filter(end_on__isnull=True).values("building_group")
        assert all(row["n"] == 1 for row in current.annotate(n=Count("id")))
        assert (
            BuildingRole.objects.filter(building_group__isnull=True)
            .exclude(building_label="")
            .exists()
        )
