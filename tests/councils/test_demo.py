"""The demo data of 三会一站 in a generated tiny district."""

import random
import time
from datetime import date

import pytest
from django.db.models import Count, F, Q

from backend.councils import demo
from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilKind,
    CouncilMeetingAttendee,
    CouncilMembership,
)
from backend.councils.selectors import overdue_follow_ups
from backend.demo.generator import SIZES, generate_district
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
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
        code="democouncil",
        name="演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("democouncil"):
        generate_district(seed=11, size=SIZES["tiny"], district_name="演示区", region_code="230101")
    return "democouncil"


def test_populate(tiny_district: str) -> None:
    with in_district(tiny_district):
        started = time.monotonic()
        counts = demo.populate(random.Random(3), TODAY)
        assert time.monotonic() - started < 3
        communities = PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).count()
        streets = PartyOrg.objects.filter(kind="street_working_committee").count()
        assert counts["councils"] == Council.objects.count()
        assert counts["council_memberships"] == CouncilMembership.objects.count()
        assert counts["council_follow_ups"] == CouncilFollowUp.objects.count()
        by_kind = dict(Council.objects.values_list("kind").annotate(n=Count("id")))
        assert by_kind[CouncilKind.DISTRICT_GUIDANCE_COMMITTEE] == 1
        assert by_kind[CouncilKind.RESEARCH_SOCIETY] == 1
        assert by_kind[CouncilKind.STREET_COORDINATION_COMMITTEE] == streets
        assert by_kind[CouncilKind.COMMUNITY_JOINT_MEETING] == communities
        joint = Council.objects.filter(kind=CouncilKind.COMMUNITY_JOINT_MEETING).annotate(
            n=Count("memberships")
        )
        assert all(2 <= c.n <= 6 for c in joint)
        # Attendees were members on the day of the meeting.
        assert not CouncilMeetingAttendee.objects.filter(
            Q(membership__joined_on__gt=F("meeting__held_on"))
            | Q(membership__left_on__lte=F("meeting__held_on"))
        ).exists()
        overdue = overdue_follow_ups(as_of=TODAY).count()
        assert overdue == counts["overdue_follow_ups"]
        assert 0 < overdue < counts["council_follow_ups"] / 3
        assert counts["council_meetings"] >= communities * 12
        assert not Council.objects.filter(
            kind=CouncilKind.RESEARCH_SOCIETY_BRANCH, parent__isnull=True
        ).exists()
