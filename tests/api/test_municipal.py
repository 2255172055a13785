"""The municipal API on the platform host: per-district totals for a platform account, and no
personal data."""

import json

import pytest

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from tenants.context import in_district, in_platform
from tenants.models import District
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

DISTRICTS = "{ districts { code name host municipalityName orgCount memberCount } }"


def _sql_counts(code: str) -> tuple[int, int]:
    with in_district(code):
        return PartyOrg.objects.count(), Member.objects.count()


def test_districts_lists_alpha_and_beta_with_their_sql_counts(platform: GraphQLClient) -> None:
    response = platform.execute(DISTRICTS)

    assert response.status == 200
    rows = {row["code"]: row for row in response.data["districts"]}
    assert {"alpha", "beta"} <= set(rows)
    with in_platform():
        serving = set(District.objects.serving().values_list("code", flat=True))
    assert set(rows) == serving, "only serving districts: not the template, not the platform"
    assert not {"template", "platform", "public"} & set(rows)
    for code in ("alpha", "beta"):
        row = rows[code]
        assert (row["orgCount"], row["memberCount"]) == _sql_counts(code)
        assert row["name"] == f"{code}区"
        assert row["host"] == f"{code}.localhost"
        assert row["municipalityName"] == "测试市"


def test_district_counts_follow_the_data(platform: GraphQLClient) -> None:
    """The totals are read live from each district's schema, not from a stale copy."""
    before = {r["code"]: r for r in platform.execute(DISTRICTS).data["districts"]}
    with in_district("beta"):
        root = PartyOrg.objects.get(parent__isnull=True)
        extra = org_create(code="muni-extra", name="统计测试党支部", kind="unit_org", parent=root)
    try:
        rows = {r["code"]: r for r in platform.execute(DISTRICTS).data["districts"]}
        assert rows["beta"]["orgCount"] == before["beta"]["orgCount"] + 1
        assert rows["beta"]["orgCount"] == _sql_counts("beta")[0]
        assert rows["alpha"] == before["alpha"]
    finally:
        with in_district("beta"):
            PartyOrg.objects.filter(pk=extra.pk).delete()


def test_districts_needs_a_login(api_url: str) -> None:
    response = GraphQLClient(api_url, "localhost").execute(DISTRICTS)

    assert response.status == 401
    assert response.body["data"] is None
    assert response.body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "orgCount" not in response.text


@pytest.mark.parametrize("district", ["alpha", "beta"])
def test_district_token_is_refused_on_the_platform_host(
    api_url: str, district: str, request: pytest.FixtureRequest
) -> None:
    client: GraphQLClient = request.getfixturevalue(district)
    response = GraphQLClient(api_url, "localhost", client.token).execute(DISTRICTS)

    assert response.status == 401
    assert "data" not in response.body
    assert response.body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize("host", ["alpha.localhost", "beta.localhost"])
def test_platform_token_is_refused_on_a_district_host(
    api_url: str, platform: GraphQLClient, host: str
) -> None:
    response = GraphQLClient(api_url, host, platform.token).execute(
        "{ orgs(first: 100) { edges { node { name } } } }"
    )

    assert response.status == 401
    assert "data" not in response.body
    assert "CANARY" not in response.text


def test_districts_response_holds_no_personal_data(
    platform: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    response = platform.execute(DISTRICTS)
    assert response.status == 200
    assert {"alpha", "beta"} <= {row["code"] for row in response.data["districts"]}
    text = json.dumps(response.body, ensure_ascii=False)

    for district in seeded.values():
        for secret in district.secrets:
            assert secret not in text
        # Masked forms (last four digits) would also point at a person.
        for number in (*district.id_numbers, *district.phones):
            assert number[-4:] not in text
    assert "党员" not in text
    assert "CANARY" not in text


@pytest.mark.parametrize(
    "query",
    [
        "{ orgs(first: 5) { edges { node { name } } } }",
        "{ members(first: 5) { edges { node { name idNumber phone } } } }",
        "{ units { edges { node { name } } } }",
        '{ node(id: "UGFydHlPcmc6YWxwaGEuMQ==") { id } }',
    ],
)
def test_platform_schema_has_no_district_fields(platform: GraphQLClient, query: str) -> None:
    """A municipal account sees aggregates only: the district query fields do not exist here."""
    response = platform.execute(query)

    assert response.body.get("data") is None
    assert response.body["errors"]
    assert "CANARY" not in response.text


def test_platform_me_is_the_platform_account(platform: GraphQLClient) -> None:
    assert platform.execute("{ me { username } }").data["me"]["username"] == "operator"
