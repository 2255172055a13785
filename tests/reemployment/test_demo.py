"""The demo data: archives in every community with laid-off members, histories that obey the
services' rules, and the same rows for the same seed."""

import itertools
import random
from datetime import date, timedelta

import pytest

from backend.demo.generator import SIZES, generate_district
from backend.members.models import Member, MemberCategory
from backend.positions.models import Position, PositionKind
from backend.reemployment import demo
from backend.reemployment.models import (
    EMPLOYED,
    TRANSITIONS,
    EmploymentArchive,
    EmploymentStatus,
    EmploymentStatusChange,
    TrainingRecord,
)
from backend.reemployment.selectors import double_lead_ranking, status_on
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
        code="reempdemo",
        name="再就业演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("reempdemo"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
    return "reempdemo"


def test_populate_follows_the_rules(tiny_district: str) -> None:
    with in_district(tiny_district):
        counts = demo.populate(random.Random(5), TODAY)
        laid_off = Member.objects.filter(category=MemberCategory.LAID_OFF).count()
        assert laid_off > 0
        assert counts["employment_archives"] == EmploymentArchive.objects.count()
        assert counts["employment_archives"] - counts["non_member_archives"] == laid_off
        assert counts["non_member_archives"] > 0
        assert counts["employment_status_changes"] == EmploymentStatusChange.objects.count()
        assert counts["training_records"] == TrainingRecord.objects.count() > 0
        assert counts["led_reemployments"] > 0
        stations = Position.objects.filter(kind=PositionKind.REEMPLOYMENT_STATION)
        assert counts["reemployment_stations"] == stations.count() > 0
        assert set(EmploymentArchive.objects.values_list("community_id", flat=True)) == set(
            stations.values_list("community_id", flat=True)
        )
        for archive in EmploymentArchive.objects.all():
            steps = list(archive.status_changes.order_by("changed_on", "id"))
            assert steps[0].from_status == ""
            assert steps[0].changed_on == archive.registered_on
            assert archive.registered_on >= TODAY - timedelta(days=demo.HISTORY_DAYS)
            for before, after in itertools.pairwise(steps):
                assert after.from_status == before.to_status
                assert after.changed_on >= before.changed_on
                assert after.to_status in TRANSITIONS[before.to_status] or (
                    after.to_status == EmploymentStatus.EXITED
                )
            assert (archive.status, archive.status_since) == (
                steps[-1].to_status,
                steps[-1].changed_on,
            )
            assert steps[-1].changed_on <= TODAY
        for change in EmploymentStatusChange.objects.filter(led_by__isnull=False):
            assert change.led_by is not None
            assert change.led_by.member_id is not None
            assert status_on(change.led_by, change.changed_on) in EMPLOYED
        assert double_lead_ranking().exists()


def _rows() -> list[tuple]:
    return sorted(
        (
            a.person_name,
            a.community_id,
            a.registered_on,
            a.status,
            a.status_since,
            a.id_number_hash,
            a.status_changes.count(),
            a.trainings.count(),
        )
        for a in EmploymentArchive.objects.select_related("member")
    )


def test_the_same_seed_writes_the_same_rows(tiny_district: str) -> None:
    with in_district(tiny_district):
        first = demo.populate(random.Random(5), TODAY)
        rows = _rows()
        EmploymentArchive.objects.all().delete()
        Position.objects.filter(kind=PositionKind.REEMPLOYMENT_STATION).delete()
        assert demo.populate(random.Random(5), TODAY) == first
        assert _rows() == rows
