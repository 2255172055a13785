"""The metrics API over HTTP, as a district frontend uses it: what each metric means, a subtree's
figures, their trend and table, typed errors for bad arguments, and asking for a recompute (one
job however often asked, scoped like other writes)."""

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.jobs.models import Job
from backend.metrics.definitions import DEFINITIONS
from backend.metrics.models import MetricSnapshot
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.conftest import global_id
from tests.metrics.isolation_seed import PERIOD
from tests.metrics.support import compute_metrics, month
from tests.support.committed_db import db  # noqa: F401 (the fixture)
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

VALUE = "metric breakdown period asOf numerator denominator value org { name }"
JOB = "id kind state progress stepsDone stepsTotal stepLabel error finished"
RECOMPUTE = (
    "mutation($input: RecomputeMetricsInput) { recomputeMetrics(input: $input)"
    f" {{ created job {{ {JOB} }} errors {{ field code message }} }} }}"
)
# Months computed here besides the isolation seed's PERIOD, for the trend.
EARLIER = ("2025-04", "2025-05")


@pytest.fixture(scope="module")
def street_users(api_url: str, django_db_blocker: Any) -> Iterator[dict[str, GraphQLClient]]:
    tag = uuid.uuid4().hex[:6]
    clients = {}
    with django_db_blocker.unblock(), in_district("alpha"):
        street = PartyOrg.objects.get(code="alpha-s1")
        for label, role in (("admin", Role.ORG_ADMIN), ("viewer", Role.VIEWER)):
            user = user_create(username=f"metrics-{tag}-{label}", password=PASSWORD)
            role_grant(user=user, role=role, org=street)
            client = GraphQLClient(api_url, "alpha.localhost")
            clients[label] = client.as_user(client.login(user.username, PASSWORD))
        for label in EARLIER:
            compute_metrics(None, month(label), today=date.today())
    yield clients
    with django_db_blocker.unblock(), in_district("alpha"):
        for label in EARLIER:
            MetricSnapshot.objects.filter(period_start=month(label).start).delete()
        Job.objects.filter(dedupe_key__contains="periods=2025-0").exclude(
            step_label="CANARYALPHA"
        ).delete()


def _org(seeded: dict[str, SeededDistrict], key: str) -> str:
    return global_id("PartyOrg", "alpha", seeded["alpha"].org_pks[key])


def _error(response: Any) -> dict[str, Any]:
    errors = response.body["errors"]
    assert len(errors) == 1, errors
    return dict(errors[0]["extensions"])


def test_definitions_say_what_each_metric_means(alpha: GraphQLClient) -> None:
    data = alpha.execute(
        "{ metricDefinitions { code nameZh nameEn numerator denominator unit unitSymbol scale"
        " formula attributedAt breakdowns } }"
    ).data["metricDefinitions"]
    assert [d["code"] for d in data] == [d.code for d in DEFINITIONS]
    by_code = {d["code"]: d for d in data}
    assert by_code["participation_rate"]["unit"] == "PERCENT"
    assert by_code["participation_rate"]["scale"] == 100
    assert "retired" in by_code["participation_rate"]["breakdowns"]
    assert by_code["service_hours_per_member"]["unitSymbol"] == "小时/人"
    assert all(d["numerator"] and d["denominator"] and d["formula"] for d in data)


def test_the_district_figures_for_a_period(alpha: GraphQLClient) -> None:
    rows = alpha.execute(f'{{ metrics(period: "{PERIOD}") {{ {VALUE} }} }}').data["metrics"]
    assert [row["metric"] for row in rows] == [d.code for d in DEFINITIONS]
    assert {row["org"]["name"] for row in rows} == {"CANARYALPHA区委"}
    assert all(row["breakdown"] is None and row["period"] == PERIOD for row in rows)
    for row in rows:
        if float(row["denominator"]) == 0:
            assert row["value"] is None  # nothing to measure is not 0 %
    split = alpha.execute(
        f'{{ metrics(period: "{PERIOD}", metrics: ["participation_rate"], withBreakdowns: true)'
        f" {{ {VALUE} }} }}"
    ).data["metrics"]
    total = next(row for row in split if row["breakdown"] is None)
    parts = [row for row in split if row["breakdown"] is not None]
    assert sum(float(p["denominator"]) for p in parts) == float(total["denominator"])
    assert sum(float(p["numerator"]) for p in parts) == float(total["numerator"])


def test_a_street_reader_sees_their_subtree_only(
    street_users: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    viewer = street_users["viewer"]
    assert viewer.execute(f'{{ metrics(period: "{PERIOD}") {{ {VALUE} }} }}').data == {
        "metrics": []
    }
    own = viewer.execute(
        f'query($org: ID) {{ metrics(orgId: $org, period: "{PERIOD}") {{ {VALUE} }} }}',
        {"org": _org(seeded, "s1")},
    ).data["metrics"]
    assert {row["org"]["name"] for row in own} == {"CANARYALPHA街道党工委"}
    other = viewer.execute(
        f'query($org: ID) {{ metrics(orgId: $org, period: "{PERIOD}") {{ {VALUE} }} }}',
        {"org": _org(seeded, "s2")},
    ).data["metrics"]
    assert other == []
    table = viewer.execute(
        f'{{ metricTable(metric: "participation_rate", period: "{PERIOD}", first: 100)'
        " { totalCount edges { node { org { name path: code } } } } }"
    ).data["metricTable"]
    codes = {e["node"]["org"]["path"] for e in table["edges"]}
    assert codes
    assert all(code.startswith("alpha-s1") for code in codes), codes


def test_the_table_compares_communities(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    table = alpha.execute(
        'query($within: ID) { metricTable(metric: "position_coverage",'
        f' period: "{PERIOD}", within: $within, kinds: [COMMUNITY_COMMITTEE], first: 10)'
        f" {{ totalCount edges {{ node {{ {VALUE} }} }} }} }}",
        {"within": _org(seeded, "s1")},
    ).data["metricTable"]
    assert table["totalCount"] == 1
    assert table["edges"][0]["node"]["org"]["name"] == "CANARYALPHA社区党委"


def test_the_trend_runs_oldest_first(
    alpha: GraphQLClient, street_users: dict[str, GraphQLClient]
) -> None:
    rows = alpha.execute(
        '{ metricTrend(metric: "participation_rate", periodKind: MONTH, last: 3,'
        f' until: "{PERIOD}") {{ {VALUE} }} }}'
    ).data["metricTrend"]
    assert [row["period"] for row in rows] == [*EARLIER, PERIOD]
    two = alpha.execute(
        '{ metricTrend(metric: "participation_rate", periodKind: MONTH, last: 2,'
        f' until: "{PERIOD}", breakdown: "retired") {{ {VALUE} }} }}'
    ).data["metricTrend"]
    assert [(row["period"], row["breakdown"]) for row in two] == [
        ("2025-05", "retired"),
        (PERIOD, "retired"),
    ]


@pytest.mark.parametrize(
    ("query", "code", "argument"),
    [
        ('{ metrics(period: "2025-13") { value } }', "INVALID_PERIOD", "period"),
        ('{ metrics(period: "25-1") { value } }', "INVALID_PERIOD", "period"),
        ('{ metrics(period: "2025", metrics: ["nope"]) { value } }', "UNKNOWN_METRIC", "metrics"),
        (
            '{ metricTrend(metric: "org_coverage", periodKind: YEAR, breakdown: "retired")'
            " { value } }",
            "UNKNOWN_BREAKDOWN",
            "breakdown",
        ),
        (
            '{ metricTrend(metric: "org_coverage", periodKind: YEAR, last: 0) { value } }',
            "OUT_OF_RANGE",
            "last",
        ),
        (
            '{ metricTable(metric: "x", period: "2025") { totalCount } }',
            "UNKNOWN_METRIC",
            "metric",
        ),
    ],
)
def test_bad_arguments_get_typed_errors(
    alpha: GraphQLClient, query: str, code: str, argument: str
) -> None:
    response = alpha.execute(query)
    assert response.status == 200
    assert _error(response) == {"code": code, "argument": argument}


@pytest.mark.parametrize(
    ("periods", "code"),
    [
        (["2025-13"], "INVALID"),
        ([], "OUT_OF_RANGE"),
        ([f"{date.today().year + 1}"], "NOT_STARTED"),
        ([str(year) for year in range(1980, 2020)], "OUT_OF_RANGE"),
    ],
)
def test_recompute_refuses_bad_periods(alpha: GraphQLClient, periods: list[str], code: str) -> None:
    result = alpha.execute(RECOMPUTE, {"input": {"periods": periods}}).data["recomputeMetrics"]
    assert result["job"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("periods", code)]


def test_a_recompute_is_one_job_however_often_asked(
    street_users: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    admin = street_users["admin"]
    ask = {"input": {"orgId": _org(seeded, "s1"), "periods": ["2025-05", "2025-04"]}}
    first = admin.execute(RECOMPUTE, ask).data["recomputeMetrics"]
    again = admin.execute(RECOMPUTE, ask).data["recomputeMetrics"]
    assert first["errors"] == again["errors"] == []
    assert (first["created"], again["created"]) == (True, False)
    assert first["job"]["id"] == again["job"]["id"]
    job = first["job"]
    assert (job["kind"], job["state"], job["progress"], job["finished"]) == (
        "metrics.recompute",
        "QUEUED",
        "0 / 0",
        False,
    )
    polled = admin.execute(
        f"query($id: ID!) {{ metricsJob(id: $id) {{ {JOB} }} node(id: $id) {{ id }} }}",
        {"id": job["id"]},
    ).data
    assert polled["metricsJob"]["id"] == polled["node"]["id"] == job["id"]
    # Another reader without district-wide scope does not see it.
    assert (
        street_users["viewer"]
        .execute("query($id: ID!) { metricsJob(id: $id) { id } }", {"id": job["id"]})
        .data["metricsJob"]
        is None
    )


def test_recompute_is_scoped_like_other_writes(
    street_users: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    admin = street_users["admin"]
    whole = admin.execute(RECOMPUTE, {"input": {"periods": ["2025-05"]}}).data["recomputeMetrics"]
    assert whole["job"] is None
    assert [e["field"] for e in whole["errors"]] == ["orgId"]
    elsewhere = admin.execute(
        RECOMPUTE, {"input": {"orgId": _org(seeded, "s2"), "periods": ["2025-05"]}}
    ).data["recomputeMetrics"]
    assert elsewhere["job"] is None
    assert [(e["field"], e["code"]) for e in elsewhere["errors"]] == [("orgId", "NOT_FOUND")]
    viewer = street_users["viewer"].execute(
        RECOMPUTE, {"input": {"orgId": _org(seeded, "s1"), "periods": ["2025-05"]}}
    )
    refused = viewer.data["recomputeMetrics"]
    assert refused["job"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("orgId", "FORBIDDEN")]
