"""The canary matrix's cases for 导出 (tests/api/test_tenant_isolation.py); isolation_seed.py
gives each district one finished export of its admin's."""

from typing import Any

from tests.exports.isolation_seed import ROWS
from tests.support.isolation import ERRORS, Case, alpha_ids_only, not_found, null

JOB = "id kind format state unmasked rowsWritten rowsTotal error download { url fileName }"
JOB_DOC = f"query($id: ID!) {{ exportJob(id: $id) {{ {JOB} }} }}"
JOBS_DOC = f"{{ exportJobs(first: 100) {{ totalCount edges {{ node {{ {JOB} }} }} }} }}"
NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id ... on ExportJob {{ {JOB} }} }} }}"
START_DOC = (
    "mutation($input: ExportInput!) { startExport(input: $input)"
    f" {{ created job {{ {JOB} }} {ERRORS} }} }}"
)


def _seeded_job(data: dict[str, Any]) -> None:
    assert (data["kind"], data["state"], data["rowsWritten"]) == ("MEMBERS", "SUCCEEDED", ROWS)
    assert data["download"] is None  # the seeded export has no file


def _alpha_job(data: dict[str, Any], _v: dict[str, Any]) -> None:
    _seeded_job(data["exportJob"])


def _alpha_node(data: dict[str, Any], variables: dict[str, Any]) -> None:
    assert data["node"]["id"] == variables["id"], data
    _seeded_job(data["node"])


CASES: dict[str, Case] = {
    "exportJobs": Case("exportJobs", JOBS_DOC, lambda f, o: {}, alpha_ids_only("exportJobs")),
    "exportJob/id": Case(
        "exportJob", JOB_DOC, lambda f, o: {"id": f.obj("ExportJob")}, null("exportJob"), _alpha_job
    ),
    "node/ExportJob": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("ExportJob")}, null("node"), _alpha_node
    ),
    "startExport/within": Case(
        "startExport",
        START_DOC,
        lambda f, o: {"input": {"kind": "MEMBERS", "within": f.org("s1")}},
        not_found("startExport", "job", "within"),
    ),
}
