"""The canary matrix's cases for 指标 (tests/api/test_tenant_isolation.py); isolation_seed.py
computes the figures and the job they name."""

from typing import Any

from tests.metrics.isolation_seed import PERIOD
from tests.support.isolation import ERRORS, Case, null

VALUE = "id metric breakdown period numerator denominator value org { id name }"
JOB = "id kind state progress stepLabel error"
METRICS_DOC = f'query($org: ID) {{ metrics(orgId: $org, period: "{PERIOD}") {{ {VALUE} }} }}'
TREND_DOC = (
    'query($org: ID) { metricTrend(orgId: $org, metric: "participation_rate",'
    f' periodKind: MONTH, until: "{PERIOD}") {{ {VALUE} }} }}'
)
TABLE_DOC = (
    'query($within: ID) { metricTable(within: $within, metric: "participation_rate",'
    f' period: "{PERIOD}", first: 100) {{ totalCount edges {{ node {{ {VALUE} }} }} }} }}'
)
JOB_DOC = f"query($id: ID!) {{ metricsJob(id: $id) {{ {JOB} }} }}"
NODE_DOC = (
    f"query($id: ID!) {{ node(id: $id) {{ id ... on MetricValue {{ {VALUE} }}"
    f" ... on Job {{ {JOB} }} }} }}"
)
DEFINITIONS_DOC = "{ metricDefinitions { code nameZh unit breakdowns } }"
JOBS_DOC = f"{{ metricsJobs(first: 100) {{ totalCount edges {{ node {{ {JOB} }} }} }} }}"
RECOMPUTE_DOC = (
    "mutation($input: RecomputeMetricsInput) { recomputeMetrics(input: $input)"
    f" {{ job {{ {JOB} }} created {ERRORS} }} }}"
)


def _empty_list(name: str) -> Any:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name] == [], data

    return check


def _alpha_values(name: str) -> Any:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name], data
        assert all("CANARYALPHA" in row["org"]["name"] for row in data[name]), data

    return check


def _empty_table(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert data["metricTable"]["totalCount"] == 0, data
    assert data["metricTable"]["edges"] == [], data


def _alpha_table(data: dict[str, Any], _v: dict[str, Any]) -> None:
    names = [e["node"]["org"]["name"] for e in data["metricTable"]["edges"]]
    assert names, data
    assert all("CANARYALPHA" in n for n in names), names


def _alpha_node(data: dict[str, Any], variables: dict[str, Any]) -> None:
    assert data["node"]["id"] == variables["id"], data


def _alpha_job(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert data["metricsJob"]["stepLabel"] == "CANARYALPHA", data


def _definitions(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert "participation_rate" in {d["code"] for d in data["metricDefinitions"]}, data


def _own_jobs_only(data: dict[str, Any], _v: dict[str, Any]) -> None:
    labels = [e["node"]["stepLabel"] for e in data["metricsJobs"]["edges"]]
    assert "CANARYALPHA" in labels, labels
    assert "CANARYBETA" not in labels, labels


def _recompute_not_found(data: dict[str, Any], _v: dict[str, Any]) -> None:
    result = data["recomputeMetrics"]
    assert result["job"] is None, result
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("orgId", "NOT_FOUND")]


CASES: dict[str, Case] = {
    "metricDefinitions": Case("metricDefinitions", DEFINITIONS_DOC, lambda f, o: {}, _definitions),
    "metricsJobs": Case("metricsJobs", JOBS_DOC, lambda f, o: {}, _own_jobs_only),
    "node/MetricValue": Case(
        "node",
        NODE_DOC,
        lambda f, o: {"id": f.obj("MetricValue")},
        null("node"),
        _alpha_node,
    ),
    "node/Job": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("Job")}, null("node"), _alpha_node
    ),
    "metrics/orgId": Case(
        "metrics",
        METRICS_DOC,
        lambda f, o: {"org": f.org("root")},
        _empty_list("metrics"),
        _alpha_values("metrics"),
    ),
    "metricTrend/orgId": Case(
        "metricTrend",
        TREND_DOC,
        lambda f, o: {"org": f.org("s1")},
        _empty_list("metricTrend"),
        _alpha_values("metricTrend"),
    ),
    "metricTable/within": Case(
        "metricTable",
        TABLE_DOC,
        lambda f, o: {"within": f.org("s1")},
        _empty_table,
        _alpha_table,
    ),
    "metricsJob/id": Case(
        "metricsJob", JOB_DOC, lambda f, o: {"id": f.obj("Job")}, null("metricsJob"), _alpha_job
    ),
    "recomputeMetrics/orgId": Case(
        "recomputeMetrics",
        RECOMPUTE_DOC,
        lambda f, o: {"input": {"orgId": f.org("s1"), "periods": [PERIOD]}},
        _recompute_not_found,
    ),
}
