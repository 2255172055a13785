import pytest

from backend.demo.generator import SIZES, DistrictNotEmpty, generate_district
from backend.members.id_numbers import parse_id_number
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg
from backend.orgs.rules import may_contain
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db


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
                assert may_contain(parent.kind, org.kind)
        assert set(Member.objects.values_list("category", flat=True)) == set(MemberCategory.values)
        for member in Member.objects.all()[:20]:
            assert parse_id_number(member.id_number).birth_date == member.birth_date


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
