"""The demo data: a year of activities with participation of every category, volunteer teams,
activities under pairs and councils, the rules kept, and the same rows for the same seed."""

import random
from datetime import date

import pytest
from django.db.models import F, Q

from backend.activities import demo
from backend.activities.models import (
    Activity,
    ActivityParticipation,
    ActivityUnit,
    VolunteerTeam,
    VolunteerTeamMembership,
)
from backend.activities.selectors import participation_by_category
from backend.cobuilding import demo as cobuilding_demo
from backend.councils import demo as councils_demo
from backend.demo.generator import SIZES, generate_district
from backend.members.models import Member
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


@pytest.fixture
def tiny_district() -> str:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="actdemo",
        name="活动演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("actdemo"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330213")
        councils_demo.populate(random.Random(1), TODAY)
        cobuilding_demo.populate(random.Random(2), TODAY)
    return "actdemo"


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        ActivityParticipation.objects.order_by("activity__occurred_on", "member_id").values_list(
            "activity__title", "member_id", "hours", "occurred_on"
        )
    )


def test_populate_follows_the_rules(tiny_district: str) -> None:
    with in_district(tiny_district):
        counts = demo.populate(random.Random(5), TODAY)
        assert counts["activities"] == Activity.objects.count() > 0
        assert counts["activity_participations"] == ActivityParticipation.objects.count()
        assert counts["activity_units"] == ActivityUnit.objects.count()
        assert counts["volunteer_teams"] == VolunteerTeam.objects.count() > 0
        assert counts["volunteer_team_memberships"] == VolunteerTeamMembership.objects.count() > 0
        # About ten participations a member: the volume follows the member count.
        members = Member.objects.count()
        assert 4 * members <= counts["activity_participations"] <= 16 * members
        # Within the last year, the copied date equal to the activity's.
        assert not ActivityParticipation.objects.exclude(occurred_on=F("activity__occurred_on"))
        assert not Activity.objects.filter(
            Q(occurred_on__gt=TODAY) | Q(occurred_on__lt=date(2025, 7, 1))
        )
        # Themes belong to their campaign; teams served within their lifetime.
        assert not Activity.objects.filter(theme__isnull=False).exclude(
            theme__campaign=F("campaign")
        )
        assert not Activity.objects.filter(volunteer_team__founded_on__gt=F("occurred_on"))
        # Every category takes part.
        figures = participation_by_category(within=None, start=date(2025, 7, 1), end=TODAY)
        for category, row in figures.items():
            if row["members"] >= 3:
                assert 0 < row["participants"] <= row["members"], category
        assert VolunteerTeamMembership.objects.filter(role="leader").count() > 0


def test_same_seed_same_rows(tiny_district: str) -> None:
    with in_district(tiny_district):
        demo.populate(random.Random(5), TODAY)
        first = _snapshot()
        ActivityParticipation.objects.all().delete()
        ActivityUnit.objects.all().delete()
        Activity.objects.all().delete()
        VolunteerTeamMembership.objects.all().delete()
        VolunteerTeam.objects.all().delete()
        demo.populate(random.Random(5), TODAY)
        assert _snapshot() == first
