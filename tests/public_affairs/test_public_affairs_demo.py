"""The public-affairs demo data follows the app's rules in a generated tiny district."""

import random
import time
from datetime import date

import pytest
from django.db.models import F, Q

from backend.demo.generator import SIZES, generate_district
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.public_affairs.demo import populate
from backend.public_affairs.models import (
    PublicAffairsArea,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
    PublicAffairsResolution,
)
from backend.public_affairs.selectors import overdue_follow_ups
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def test_populate_a_tiny_district() -> None:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="pubaffdemo",
        name="公事演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("pubaffdemo"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
        started = time.monotonic()
        counts = populate(random.Random(7), TODAY)
        assert time.monotonic() - started < 3
        communities = PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).count()
        assert 0 < counts["public_affairs_associations"] == PublicAffairsAssociation.objects.count()
        assert counts["public_affairs_associations"] <= communities
        assert counts["public_affairs_areas"] == PublicAffairsArea.objects.count()
        assert counts["public_affairs_officers"] == PublicAffairsOfficer.objects.count()
        assert counts["public_affairs_meetings"] == PublicAffairsMeeting.objects.count()
        assert counts["public_affairs_resolutions"] == PublicAffairsResolution.objects.count()
        assert counts["public_affairs_follow_ups"] == PublicAffairsFollowUp.objects.count()
        for association in PublicAffairsAssociation.objects.all():
            assert 3 <= association.areas.count() <= 6
            presidents = association.officers.filter(role="president", term_end__isnull=True)
            assert presidents.count() == 1
            assert association.officers.filter(term_end__isnull=False).exists()  # past terms
            assert association.meetings.count() == 12
        assert PublicAffairsOfficer.objects.filter(member__isnull=False).exists()
        assert all("*" in o.phone_masked for o in PublicAffairsOfficer.objects.all())
        # Attendees were in office on the meeting day; nothing is dated after today.
        through = PublicAffairsMeeting.attendees.through.objects
        assert not through.filter(
            Q(publicaffairsofficer__term_start__gt=F("publicaffairsmeeting__held_on"))
            | Q(publicaffairsofficer__term_end__lt=F("publicaffairsmeeting__held_on"))
        ).exists()
        assert not PublicAffairsMeeting.objects.filter(held_on__gt=TODAY).exists()
        assert not PublicAffairsFollowUp.objects.filter(done_on__gt=TODAY).exists()
        overdue = overdue_follow_ups(today=TODAY).count()
        assert overdue == counts["public_affairs_overdue_follow_ups"] > 0
        # Deterministic for a given seed.
        assert PublicAffairsFollowUp.objects.filter(status="done").count() > overdue
