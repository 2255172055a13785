"""The demo data of 阵地 and 干部下基层 in a generated tiny district."""

import random
from datetime import date

import pytest

from backend.demo.generator import SIZES, generate_district
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions import demo as positions_demo
from backend.positions.models import Position, PositionKind
from backend.secondments import demo as secondments_demo
from backend.secondments.models import Secondment
from backend.secondments.selectors import communities_without_cadre, secondment_list
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
        code="demosecond",
        name="演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("demosecond"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
    return "demosecond"


def test_positions_demo_adds_only_missing_kinds(tiny_district: str) -> None:
    with in_district(tiny_district):
        communities = list(PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).order_by("path"))
        # Another demo got there first with this community's room.
        Position.objects.create(
            community=communities[0], kind=PositionKind.ACTIVITY_ROOM, name="已有活动室"
        )
        counts = positions_demo.populate(random.Random(5), TODAY)
        assert counts["activity_rooms"] == len(communities) - 1
        assert counts["liaison_stations"] > 0
        rooms = Position.objects.filter(kind=PositionKind.ACTIVITY_ROOM, closed_on__isnull=True)
        assert rooms.count() == len(communities)
        assert rooms.get(community=communities[0]).name == "已有活动室"
        assert rooms.filter(meets_standard=True).exists()
        total = Position.objects.count()
        again = positions_demo.populate(random.Random(6), TODAY)
        assert again["activity_rooms"] == again["liaison_stations"] == 0
        assert Position.objects.count() == total


def test_secondment_waves(tiny_district: str) -> None:
    with in_district(tiny_district):
        counts = secondments_demo.populate(random.Random(5), TODAY)
        assert counts["secondments"] == Secondment.objects.count() > 0
        assert counts["active_secondments"] == secondment_list(active=True, today=TODAY).count()
        assert counts["active_secondments"] > 0
        assert Secondment.objects.filter(ended_on__isnull=False).exclude(summary="").exists()
        assert set(Secondment.objects.values_list("campaign__code", flat=True)) == {
            "hundred_cadres_community"
        }
        for secondment in Secondment.objects.select_related("cadre", "community"):
            assert secondment.cadre is not None
            assert secondment.cadre.category == "in_service"
            assert secondment.cadre_name == secondment.cadre.name
            assert secondment.community.kind in COMMUNITY_KINDS
            assert secondment.started_on <= TODAY
            assert secondment.ended_on is None or secondment.ended_on <= TODAY
        # Some communities wait for the next wave.
        assert communities_without_cadre(on=TODAY).exists()


def test_cadres_come_from_district_organs_first(tiny_district: str) -> None:
    with in_district(tiny_district):
        secondments_demo.populate(random.Random(5), TODAY)
        organ_cadres = Member.objects.filter(
            category="in_service", org__kind="unit_org", work_unit__kind="organ"
        )
        seconded = Secondment.objects.filter(home_unit__kind="organ")
        # Each wave takes organ cadres while there are enough of them.
        assert organ_cadres.count() >= 3
        assert seconded.count() == Secondment.objects.count()
