"""The demo: a tiny generated district gets realistic in-service histories that obey the rules,
and populate_between sends feedback cards across districts."""

import random

import pytest
from django.utils import timezone

from backend.demo.generator import SIZES, generate_district
from backend.in_service.demo import populate, populate_between
from backend.in_service.models import (
    FeedbackCard,
    FeedbackState,
    Report,
    Reporter,
    ReporterKind,
    ReportStatus,
)
from backend.members.models import Member, MemberCategory
from tenants.context import in_district
from tenants.models import Dispatch, DispatchKind, Municipality
from tenants.provisioning import district_create

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _district(code: str, name: str, region: str, seed: int) -> None:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code=code,
        name=name,
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district(code):
        generate_district(seed=seed, size=SIZES["tiny"], district_name=name, region_code=region)


def test_populate_and_between() -> None:
    _district("insvcdemoa", "演示甲区", "330212", 7)
    _district("insvcdemob", "演示乙区", "330213", 8)
    with in_district("insvcdemoa"):
        counts = populate(random.Random(1), TODAY)
        assert counts["in_service_reporters"] == Reporter.objects.count() > 0
        assert counts["in_service_reports"] == Report.objects.count() > 0
        assert counts["in_service_feedback_cards"] == FeedbackCard.objects.count() > 0
        assert counts["in_service_activity_entries"] > 0
        in_service = Member.objects.filter(category=MemberCategory.IN_SERVICE).count()
        local = Reporter.objects.filter(kind=ReporterKind.LOCAL).count()
        assert 0.5 * in_service <= local <= 0.9 * in_service
        # Every local reporter reports to where they live.
        for reporter in Reporter.objects.filter(kind=ReporterKind.LOCAL).select_related("member"):
            assert reporter.member is not None
            assert reporter.community_id == reporter.member.residence_community_id
        assert Report.objects.filter(status=ReportStatus.CANCELLED).exists()
        assert len(set(Report.objects.values_list("half_year", flat=True))) >= 2
        assert not Report.objects.filter(reported_on__gt=TODAY).exists()
        assert FeedbackCard.objects.filter(state=FeedbackState.ACKNOWLEDGED).exists()
        assert Reporter.objects.exclude(skills=[]).exists()
    result = populate_between(random.Random(2), TODAY, "insvcdemoa", "insvcdemob")
    assert result["in_service_feedback_between_sent"] > 0
    with in_district("insvcdemob"):
        received = Dispatch.objects.filter(
            kind=DispatchKind.FEEDBACK_CARD, recipient__code="insvcdemob"
        )
        assert received.count() == result["in_service_feedback_between_sent"]
    with in_district("insvcdemoa"):
        platform_cards = FeedbackCard.objects.filter(reporter__kind=ReporterKind.PLATFORM)
        assert (
            platform_cards.filter(state=FeedbackState.ACKNOWLEDGED).count()
            == result["in_service_feedback_between_acknowledged"]
        )
