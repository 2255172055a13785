import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from backend.accounts.models import User
from backend.common.validation import ValidationFailed
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tenants.models import District, Domain, Municipality
from tenants.provisioning import district_create

# Not transaction=True: pytest-django would flush the public schema after each test. Schema DDL
# is transactional in PostgreSQL, so rolling back the test's transaction removes the new schemas.
pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality() -> Municipality:
    return Municipality.objects.get(code="testcity")


def test_new_district_gets_schema_host_admin_and_empty_tree(municipality) -> None:
    result = district_create(
        municipality=municipality,
        code="gamma",
        name="伽马区",
        admin_username="chief",
        admin_password="Another-pass-2024",
    )
    assert result.host == "gamma.localhost"
    assert schema_exists("district_gamma")
    assert Domain.objects.get(domain="gamma.localhost").tenant == result.district
    with in_district("gamma"):
        admin = User.objects.get(username="chief")
        assert admin.check_password("Another-pass-2024")
        assert PartyOrg.objects.count() == 0
        # The clone carries the template's sequences and constraints: the tree works at once.
        from backend.orgs.services import org_create

        root = org_create(code="g", name="中共伽马区委", kind="district_committee", parent=None)
        assert root.path == str(root.pk)


@pytest.mark.parametrize(
    ("code", "name", "field", "error_code"),
    [
        ("alpha", "重复区", "code", "DUPLICATE"),
        ("Bad-Code", "坏代码区", "code", "INVALID"),
        ("template", "保留区", "code", "RESERVED"),
        ("delta", "   ", "name", "REQUIRED"),
    ],
)
def test_bad_district_input_is_refused_and_leaves_nothing(
    municipality, code, name, field, error_code
) -> None:
    before = (District.objects.count(), Domain.objects.count())
    with pytest.raises(ValidationFailed) as raised:
        district_create(
            municipality=municipality,
            code=code,
            name=name,
            admin_username="admin",
            admin_password="Another-pass-2024",
        )
    assert (raised.value.errors[0].field, raised.value.errors[0].code) == (field, error_code)
    assert (District.objects.count(), Domain.objects.count()) == before


def test_weak_admin_password_rolls_back_the_schema_and_rows(municipality) -> None:
    with pytest.raises(ValidationFailed) as raised:
        district_create(
            municipality=municipality,
            code="epsilon",
            name="艾普西隆区",
            admin_username="admin",
            admin_password="123",
        )
    assert raised.value.errors[0].code == "WEAK_PASSWORD"
    assert not District.objects.filter(code="epsilon").exists()
    assert not schema_exists("district_epsilon")


def test_create_district_command_reports_errors_as_command_errors() -> None:
    with pytest.raises(CommandError, match="已存在"):
        call_command(
            "create_district",
            "alpha",
            "重复区",
            "--municipality-code",
            "testcity",
            "--password",
            "Another-pass-2024",
        )


@pytest.mark.django_db
def test_a_cloned_district_keeps_the_templates_storage_parameters() -> None:
    """CREATE TABLE … LIKE drops them; provisioning copies them (the snapshot table's fillfactor
    lets recomputes update in place)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, c.reloptions FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = 'metrics_metricsnapshot'
              AND n.nspname IN ('district_template', 'district_alpha', 'district_beta')
            """
        )
        options = dict(cursor.fetchall())
    assert options == {
        "district_template": ["fillfactor=50"],
        "district_alpha": ["fillfactor=50"],
        "district_beta": ["fillfactor=50"],
    }
