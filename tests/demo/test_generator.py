import hashlib
from typing import Any

import pytest

from backend.demo.generator import (
    SIZES,
    DistrictNotEmpty,
    generate_district,
    plan_district,
)
from backend.demo.plan import DistrictPlan
from backend.members.id_numbers import parse_id_number
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg
from backend.orgs.rules import may_contain
from backend.units.models import Unit
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

# What the tiny district of seed 7 (演示区, 330212) held when the generator still wrote it with
# bulk_create (commit 870609f): the COPY path must write the very same rows.
TINY_SEED_7 = (37, 10, 60, "ba0d6fd8511b52d39d68c19ac3424f90d6bd62823d46c7cb6738c0965dc1deda")


@pytest.fixture
def empty_district() -> str:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="demotest",
        name="演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    return "demotest"


def _district_checksum() -> tuple[int, int, int, str]:
    """Counts and a digest of every row of the current district, ids and timestamps aside
    (rows refer to each other by org code and unit name; ciphertexts by their plain values)."""
    code_of: dict[int | None, str] = dict(PartyOrg.objects.values_list("pk", "code"))
    unit_name: dict[int | None, str] = dict(Unit.objects.values_list("pk", "name"))
    orgs = sorted(
        (
            o.code,
            o.name,
            o.kind,
            code_of.get(o.parent_id),
            ".".join(code_of[int(pk)] for pk in o.path.split(".")),
            o.depth,
            o.established_on,
            o.end_date,
        )
        for o in PartyOrg.objects.all()
    )
    units = sorted(
        (
            u.name,
            u.kind,
            u.credit_code,
            u.address,
            u.employee_count,
            u.party_member_count,
            u.party_org_status,
            code_of.get(u.covering_org_id),
        )
        for u in Unit.objects.all()
    )
    members = sorted(
        (
            m.name,
            m.gender,
            m.birth_date,
            m.id_number,
            m.id_number_masked,
            m.phone,
            m.phone_masked,
            m.education,
            m.joined_on,
            m.status,
            m.category,
            code_of[m.org_id],
            code_of.get(m.residence_community_id),
            unit_name.get(m.work_unit_id),
        )
        for m in Member.objects.all()
    )
    digest = hashlib.sha256(repr((orgs, units, members)).encode()).hexdigest()
    return len(orgs), len(units), len(members), digest


def _plan_fingerprint(plan: DistrictPlan) -> str:
    rows: list[Any] = [
        (o.code, o.name, o.kind, o.parent.code if o.parent else None, o.established_on)
        for o in plan.orgs
    ]
    rows += [
        (
            p.unit.name,
            p.unit.credit_code,
            p.unit.address,
            p.unit.party_member_count,
            p.unit.created_at,
        )
        for p in plan.units
    ]
    rows += [
        (m.name, m.birth_date, m.id_number_hash, m.phone_hash, m.org.code, m.category)
        for m in plan.members
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_tiny_district_follows_the_rules(empty_district: str) -> None:
    with in_district(empty_district):
        report = generate_district(
            seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212"
        )
        orgs = {org.pk: org for org in PartyOrg.objects.all()}
        assert report.orgs == len(orgs)
        assert report.members == Member.objects.count() > 0
        assert sum(org.parent_id is None for org in orgs.values()) == 1
        for org in orgs.values():
            if org.parent_id is not None:
                parent = orgs[org.parent_id]
                assert org.path == f"{parent.path}.{org.pk}"
                assert org.depth == parent.depth + 1
                assert may_contain(parent.kind, org.kind)
        assert set(Member.objects.values_list("category", flat=True)) == set(MemberCategory.values)
        for member in Member.objects.all()[:20]:
            assert parse_id_number(member.id_number).birth_date == member.birth_date
        stamped = Member.objects.filter(created_at__isnull=False, updated_at__isnull=False)
        assert stamped.count() == report.members


def test_copy_writes_the_rows_bulk_create_wrote(empty_district: str) -> None:
    with in_district(empty_district):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
        assert _district_checksum() == TINY_SEED_7


def test_a_seed_always_plans_the_same_district() -> None:
    def fingerprint(seed: int, size: str) -> str:
        plan = plan_district(
            seed=seed, size=SIZES[size], district_name="鄞州区", region_code="330212"
        )
        return _plan_fingerprint(plan)

    assert fingerprint(7, "demo") == fingerprint(7, "demo")
    assert fingerprint(7, "tiny") != fingerprint(8, "tiny")


def test_progress_is_reported_by_stage_not_by_row(empty_district: str) -> None:
    calls: list[tuple[str, int, int]] = []
    with in_district(empty_district):
        report = generate_district(
            seed=7,
            size=SIZES["demo"],
            district_name="演示区",
            region_code="330212",
            progress=lambda stage, done, total: calls.append((stage, done, total)),
        )
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == [
        "planning orgs and units",
        "planning members",
        "copying orgs",
        "copying units",
        "copying members",
    ]
    last = {stage: (done, total) for stage, done, total in calls}
    assert last["planning members"] == (report.members, report.members)
    assert last["copying orgs"] == (report.orgs, report.orgs)
    assert last["copying members"] == (report.members, report.members)
    assert all(0 <= done <= total for _, done, total in calls)
    assert len(calls) < 20  # 2,000 members, 300 orgs: a handful of reports, not one per row
    assert report.planning_seconds > 0
    assert report.insert_seconds > 0


def test_a_district_with_data_is_refused(empty_district: str) -> None:
    with in_district(empty_district):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
        with pytest.raises(DistrictNotEmpty):
            generate_district(
                seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212"
            )


def test_outside_a_district_it_refuses() -> None:
    with pytest.raises(ValueError, match="in_district"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
