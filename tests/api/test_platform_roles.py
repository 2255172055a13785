"""The platform host's two roles: municipal analysts read aggregates, platform operators also
provision districts and create platform accounts. Small counts are suppressed."""

import uuid

import pytest
from django.test import override_settings
from django_tenants.utils import schema_exists

from tenants.context import in_platform
from tenants.models import District, Municipality
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

DISTRICTS = "{ districts { code orgCount memberCount } }"
CREATE_DISTRICT = (
    "mutation($input: CreateDistrictInput!) { createDistrict(input: $input)"
    " { district { code host orgCount } seconds errors { field code message } } }"
)
CREATE_USER = (
    "mutation($input: CreatePlatformUserInput!) { createPlatformUser(input: $input)"
    " { user { username } errors { field code message } } }"
)


@pytest.fixture(scope="module")
def analyst(api_url: str) -> GraphQLClient:
    client = GraphQLClient(api_url, "localhost")
    return client.as_user(client.login("analyst", PASSWORD))


def _district_input(code: str, **overrides: object) -> dict:
    return {
        "input": {
            "code": code,
            "name": "测试新区",
            "municipalityCode": "testcity",
            "adminUsername": "admin",
            "adminPassword": "Fresh-pass-2024",
            **overrides,
        }
    }


def test_analyst_reads_totals_but_cannot_provision_or_create_accounts(
    analyst: GraphQLClient,
) -> None:
    codes = {row["code"] for row in analyst.execute(DISTRICTS).data["districts"]}
    assert {"alpha", "beta"} <= codes
    refused = analyst.execute(CREATE_DISTRICT, _district_input("zeta"))
    assert refused.status == 403
    assert refused.body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with in_platform():
        assert not District.objects.filter(code="zeta").exists()
    refused = analyst.execute(
        CREATE_USER,
        {"input": {"username": "x1", "password": PASSWORD, "role": "PLATFORM_OPERATOR"}},
    )
    assert refused.status == 403


def test_operator_provisions_a_district_that_works_at_once(
    platform: GraphQLClient, api_url: str
) -> None:
    code = f"d{uuid.uuid4().hex[:8]}"
    created = platform.execute(CREATE_DISTRICT, _district_input(code)).data["createDistrict"]
    assert created["errors"] == []
    assert created["district"]["host"] == f"{code}.localhost"
    assert created["seconds"] > 0
    new_district = GraphQLClient(api_url, f"{code}.localhost")
    token = new_district.login("admin", "Fresh-pass-2024")
    assert new_district.as_user(token).execute("{ district { code } }").data == {
        "district": {"code": code}
    }


def test_refused_district_leaves_no_municipality_or_schema(platform: GraphQLClient) -> None:
    result = platform.execute(
        CREATE_DISTRICT,
        _district_input("alpha", municipalityCode="neverseen", adminPassword="123"),
    ).data["createDistrict"]
    assert result["district"] is None
    assert {e["code"] for e in result["errors"]} == {"DUPLICATE"}
    with in_platform():
        assert not Municipality.objects.filter(code="neverseen").exists()


def test_operator_creates_an_analyst_who_can_sign_in(platform: GraphQLClient, api_url: str) -> None:
    username = f"analyst-{uuid.uuid4().hex[:6]}"
    created = platform.execute(
        CREATE_USER,
        {"input": {"username": username, "password": PASSWORD, "role": "MUNICIPAL_ANALYST"}},
    ).data["createPlatformUser"]
    assert created == {"user": {"username": username}, "errors": []}
    client = GraphQLClient(api_url, "localhost")
    assert client.as_user(client.login(username, PASSWORD)).execute(DISTRICTS).status == 200


def test_district_admin_token_has_no_platform_role(alpha: GraphQLClient, api_url: str) -> None:
    on_platform = GraphQLClient(api_url, "localhost", alpha.token)
    assert on_platform.execute(DISTRICTS).status == 401


def test_small_counts_are_suppressed(analyst: GraphQLClient) -> None:
    rows = {row["code"]: row for row in analyst.execute(DISTRICTS).data["districts"]}
    # The seeded districts hold 8 orgs and 5 members each: above the default threshold of 5...
    assert rows["alpha"]["orgCount"] >= 5
    # ...and a district provisioned a moment ago, with no orgs yet, shows nothing.
    empty = [row for row in rows.values() if row["orgCount"] is None]
    for row in empty:
        assert row["memberCount"] is None


def test_threshold_is_applied_in_process() -> None:
    from tenants.graphql import _suppressed

    with override_settings(MUNICIPAL_MIN_COUNT=10):
        assert _suppressed(9) is None
        assert _suppressed(10) == 10
    assert schema_exists("district_alpha")
