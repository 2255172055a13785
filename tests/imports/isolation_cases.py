"""The canary matrix's cases for 导入 (tests/api/test_tenant_isolation.py).

The import mutations are called on alpha's host with a file holding beta's values (its org codes,
ID numbers and an activity's global ID), as a dry run. Their answer is only a queued job, so each
case then runs that job as a worker would and reads its issues: every reference to beta reads as
NOT_FOUND, exactly like a value that exists nowhere, and no issue hints at another district. The
job, its issues and its stored file are removed afterwards, so alpha is as it was."""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from backend.files.models import StoredFile
from backend.imports.kinds import KINDS
from backend.imports.models import ImportIssue
from backend.imports.run import import_run
from backend.jobs.models import Job
from tenants.context import in_district
from tenants.global_ids import decode_node_id
from tests.support.district_rows import LEAK_PHRASES, global_ids_of
from tests.support.isolation import ERRORS, Case, Values, alpha_ids_only, null

JOB = "id kind state fileName dryRun rowsRead rowsInvalid issueCount committed error"
ISSUES = "issues(first: 10) { totalCount edges { node { id row column value code message } } }"
JOB_DOC = f"query($id: ID!) {{ importJob(id: $id) {{ {JOB} {ISSUES} }} }}"
JOBS_DOC = f"{{ importJobs(first: 100) {{ totalCount edges {{ node {{ {JOB} }} }} }} }}"
NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id ... on ImportJob {{ {JOB} }} }} }}"
ISSUE_NODE_DOC = "query($id: ID!) { node(id: $id) { id ... on ImportIssue { row code message } } }"
TEMPLATE_DOC = (
    "mutation($kind: ImportKind!) { importTemplate(kind: $kind)"
    f" {{ template {{ fileName size }} {ERRORS} }} }}"
)


def _import_doc(root: str) -> str:
    return (
        f"mutation($file: Upload!) {{ {root}(file: $file, dryRun: true)"
        f" {{ created duplicate job {{ id state dryRun }} {ERRORS} }} }}"
    )


def _csv(kind: str, cells: dict[str, str]) -> bytes:
    headers = {column.key: column.header for column in KINDS[kind].columns}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([headers[key] for key in cells])
    writer.writerow(list(cells.values()))
    return out.getvalue().encode("utf-8")


def _member_cells(f: Values, _o: Values) -> dict[str, str]:
    return {
        "name": "测试党员",
        "id_number": f.id_numbers[0],
        "education": "大学本科",
        "joined_on": "2001-07-01",
        "status": "正式党员",
        "category": "社区党员",
        "org_code": f"{f.district}-s1-c1",
    }


def _unit_cells(f: Values, _o: Values) -> dict[str, str]:
    return {"name": "测试单位", "kind": "非公企业", "covering_org_code": f"{f.district}-s1"}


def _org_cells(f: Values, _o: Values) -> dict[str, str]:
    return {
        "code": "matrix-new-org",
        "name": "测试党支部",
        "kind": "小区楼院党支部",
        "parent_code": f"{f.district}-s1-c1",
    }


def _participation_cells(f: Values, _o: Values) -> dict[str, str]:
    return {"activity": f.obj("Activity"), "id_number": f.id_numbers[1], "hours": "2"}


def _job_pk(global_id: str) -> int:
    import base64

    pk = decode_node_id(base64.b64decode(global_id).decode().partition(":")[2])
    assert pk is not None
    return pk


def _ran_as_not_found(root: str, columns: tuple[str, ...]) -> Callable[..., None]:
    """alpha_write: the answer is a queued dry run; run it, check its issues, undo it."""

    def check(before: Any, after: Any, data: dict[str, Any], _variables: Any) -> None:
        payload = data[root]
        assert payload["errors"] == [], payload
        assert (payload["created"], payload["job"]["state"]) == (True, "QUEUED"), payload
        with in_district("alpha"):
            pk = _job_pk(payload["job"]["id"])
            job = import_run(pk)
            issues = list(ImportIssue.objects.filter(job_id=pk))
            try:
                assert job.state == "succeeded", job.error
                assert job.result["committed"] is False
                codes = {(issue.column, issue.code) for issue in issues}
                assert codes == {(column, "NOT_FOUND") for column in columns}, codes
                text = json.dumps(
                    [[i.column, i.code, i.message] for i in issues], ensure_ascii=False
                ).lower()
                assert not [phrase for phrase in LEAK_PHRASES if phrase in text], text
                assert "beta" not in text, text
                assert global_ids_of(text, "beta") == []
            finally:
                ImportIssue.objects.filter(job_id=pk).delete()
                StoredFile.objects.filter(pk=job.params["file_id"]).delete()
                Job.objects.filter(pk=pk).delete()

    return check


def _import_case(root: str, kind: str, cells: Any, columns: tuple[str, ...]) -> Case:
    return Case(
        root,
        _import_doc(root),
        lambda f, o: {"file": None},
        lambda data, _v: None,
        alpha_write=_ran_as_not_found(root, columns),
        compare_with_ghost=False,
        files=lambda f, o: {"variables.file": (f"{kind}.csv", _csv(kind, cells(f, o)), "text/csv")},
    )


def _seeded_job(job: dict[str, Any]) -> None:
    assert (job["kind"], job["state"], job["issueCount"]) == ("MEMBERS", "SUCCEEDED", 1), job
    assert "CANARYALPHA" in job["fileName"]


def _alpha_job(data: dict[str, Any], _v: dict[str, Any]) -> None:
    _seeded_job(data["importJob"])
    (edge,) = data["importJob"]["issues"]["edges"]
    assert edge["node"]["code"] == "REQUIRED"


def _alpha_node(data: dict[str, Any], variables: dict[str, Any]) -> None:
    assert data["node"]["id"] == variables["id"], data
    _seeded_job(data["node"])


def _alpha_issue(data: dict[str, Any], variables: dict[str, Any]) -> None:
    assert data["node"]["id"] == variables["id"], data
    assert data["node"]["code"] == "REQUIRED"


def _template(data: dict[str, Any], _v: dict[str, Any]) -> None:
    template = data["importTemplate"]["template"]
    assert template["fileName"].endswith(".xlsx"), data
    assert template["size"] > 0, data


CASES: dict[str, Case] = {
    "importJobs": Case("importJobs", JOBS_DOC, lambda f, o: {}, alpha_ids_only("importJobs")),
    "importJob/id": Case(
        "importJob", JOB_DOC, lambda f, o: {"id": f.obj("ImportJob")}, null("importJob"), _alpha_job
    ),
    "node/ImportJob": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("ImportJob")}, null("node"), _alpha_node
    ),
    "node/ImportIssue": Case(
        "node",
        ISSUE_NODE_DOC,
        lambda f, o: {"id": f.obj("ImportIssue")},
        null("node"),
        _alpha_issue,
    ),
    "importTemplate": Case(
        "importTemplate",
        TEMPLATE_DOC,
        lambda f, o: {"kind": "MEMBERS"},
        _template,
        compare_with_ghost=False,
    ),
    "importMembers/file": _import_case(
        "importMembers", "members", _member_cells, ("所在党组织代码",)
    ),
    "importUnits/file": _import_case("importUnits", "units", _unit_cells, ("覆盖党组织代码",)),
    "importOrgs/file": _import_case("importOrgs", "orgs", _org_cells, ("上级组织代码",)),
    "importParticipation/file": _import_case(
        "importParticipation", "participation", _participation_cells, ("活动编号", "公民身份号码")
    ),
}
