from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from backend.accounts.models import User
from backend.demo.cities import MAX_DISTRICTS, SHANGHAI_DISTRICTS, city_districts
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tenants.context import in_district, in_platform
from tenants.models import District
from tenants.seeding import DEFAULT_PASSWORD, district_counts

pytestmark = pytest.mark.django_db


def _seed_city(prefix: str = "ct") -> str:
    out = StringIO()
    call_command("seed_city", size="tiny", districts=2, seed=100, prefix=prefix, stdout=out)
    return out.getvalue()


def test_seed_city_creates_the_districts_once() -> None:
    first = _seed_city()
    assert "2 of 2 districts created" in first
    with in_platform():
        districts = list(District.objects.filter(code__in=["ct01", "ct02"]).order_by("code"))
    assert [(d.name, d.municipality and d.municipality.code) for d in districts] == [
        ("黄浦区", "shanghai"),
        ("徐汇区", "shanghai"),
    ]
    roots, counts = [], []
    for district in districts:
        counts.append(district_counts(district))
        with in_district(district):
            admin = User.objects.get(username="admin")
            assert admin.is_staff
            assert admin.check_password(DEFAULT_PASSWORD)
            roots.append(PartyOrg.objects.get(parent=None))
            assert Unit.objects.exclude(address__startswith=f"上海市{district.name}").count() == 0
    assert [c.members for c in counts] == [60, 60]
    assert [r.code for r in roots] == ["310101", "310104"]
    assert roots[0].name == "中共黄浦区委员会"

    second = _seed_city()
    assert "0 of 2 districts created" in second
    assert "黄浦区 (ct01) already exists" in second
    assert "徐汇区 (ct02) already exists" in second
    assert [district_counts(d) for d in districts] == counts


def test_seed_city_refuses_codes_it_cannot_make() -> None:
    with pytest.raises(CommandError, match="prefix"):
        _seed_city(prefix="9x")
    with pytest.raises(CommandError, match="districts"):
        call_command("seed_city", size="tiny", districts=0)


def test_a_city_has_distinct_district_names_and_codes() -> None:
    districts = city_districts(MAX_DISTRICTS)
    assert districts[: len(SHANGHAI_DISTRICTS)] == list(SHANGHAI_DISTRICTS)
    assert len({name for name, _ in districts}) == len({code for _, code in districts}) == 99
    assert all(code.startswith("3101") and name.endswith("区") for name, code in districts)
    assert city_districts(20) == districts[:20]
