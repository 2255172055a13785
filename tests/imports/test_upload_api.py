"""Imports over the real HTTP endpoint: GraphQL multipart uploads (one through the third-party
`gql` client), CSRF for sessions, refusals before any job exists, polling a running import, the
error report and the template downloads. Data is committed, like the server's, and removed."""

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection
from gql import Client, FileVar, gql
from gql.transport.requests import RequestsHTTPTransport
from openpyxl import load_workbook

from backend.files.models import StoredFile
from backend.imports import samples
from backend.imports.kinds import KINDS
from backend.imports.models import ImportIssue
from backend.imports.run import import_run
from backend.jobs.models import Job
from backend.members.models import Member
from backend.members.personal_data import id_number_hash
from tenants.context import in_district
from tenants.global_ids import decode_node_id
from tests.imports import crafted
from tests.support.committed_db import db  # noqa: F401
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

JOB = (
    "id kind state finished fileName dryRun mode rowsTotal rowsRead rowsValid rowsInvalid"
    " rowsCreated rowsUpdated rowsUnchanged issueCount committed error"
)
IMPORT = (
    "mutation($file: Upload!, $dry: Boolean!, $mode: ImportMode!) {"
    " importMembers(file: $file, dryRun: $dry, mode: $mode)"
    f" {{ created duplicate job {{ {JOB} }} errors {{ field code message }} }} }}"
)
JOB_DOC = (
    f"query($id: ID!) {{ importJob(id: $id) {{ {JOB}"
    " issues(first: 100) { totalCount edges { node { row column value code message } } }"
    " errorReport { url fileName expiresAt } } }"
)
CSV = "text/csv"


def roster(rows: int, *, spoil: int = 0, seed: int = 82) -> bytes:
    with in_district("alpha"):
        codes = samples.member_org_codes()
    out = io.StringIO()
    samples.write_csv(out, samples.roster_rows(codes, rows=rows, seed=seed, spoil=spoil))
    return out.getvalue().encode("utf-8-sig")


def id_hashes(content: bytes) -> list[str]:
    lines = content.decode("utf-8-sig").splitlines()[1:]
    return [id_number_hash(line.split(",")[1]) for line in lines]


def job_pk(global_id: str) -> int:
    import base64

    decoded = base64.b64decode(global_id).decode()
    with in_district("alpha"):  # a node ID names its district: alpha's decode only here
        pk = decode_node_id(decoded.partition(":")[2])
    assert pk is not None
    return pk


def run_job(global_id: str) -> Job:
    """What a worker does with the queued message."""
    with in_district("alpha"):
        return import_run(job_pk(global_id))


@pytest.fixture
def cleanup() -> Iterator[list[bytes]]:
    """Rosters a test uploads: their members, and every import job and stored file, go after."""
    uploaded: list[bytes] = []
    with in_district("alpha"):
        jobs_before = set(Job.objects.values_list("pk", flat=True))
        files_before = set(StoredFile.objects.values_list("pk", flat=True))
    yield uploaded
    with in_district("alpha"):
        for content in uploaded:
            Member.objects.filter(id_number_hash__in=id_hashes(content)).delete()
        new_jobs = Job.objects.exclude(pk__in=jobs_before)
        ImportIssue.objects.filter(job__in=new_jobs).delete()
        new_jobs.delete()
        StoredFile.objects.exclude(pk__in=files_before).delete()


def upload(
    client: GraphQLClient,
    content: bytes,
    *,
    name: str = "roster.csv",
    dry: bool = True,
    mode: str = "ALL_OR_NOTHING",
    headers: dict[str, str] | None = None,
) -> Any:
    return client.upload(
        IMPORT,
        {"file": None, "dry": dry, "mode": mode},
        {"variables.file": (name, content, CSV)},
        headers=headers,
    )


def test_a_third_party_client_uploads_a_roster_and_reads_the_dry_run(
    api_url: str, alpha: GraphQLClient, cleanup: list[bytes], tmp_path: Path
) -> None:
    """gql (github.com/graphql-python/gql) speaks the GraphQL multipart request spec itself."""
    content = roster(25, spoil=3)
    cleanup.append(content)
    path = tmp_path / "党员名册.csv"
    path.write_bytes(content)
    transport = RequestsHTTPTransport(
        url=f"{api_url}/graphql/",
        headers={"Host": "alpha.localhost", "Authorization": f"Bearer {alpha.token}"},
        timeout=30,
    )
    with Client(transport=transport) as session, path.open("rb") as handle:
        answer = session.execute(
            gql(IMPORT),
            variable_values={
                "file": FileVar(handle, filename=path.name, content_type=CSV),
                "dry": True,
                "mode": "ALL_OR_NOTHING",
            },
            upload_files=True,
        )
        payload = answer["importMembers"]
        assert payload["errors"] == []
        assert (payload["created"], payload["duplicate"]) == (True, False)
        queued = payload["job"]
        assert (queued["state"], queued["kind"], queued["dryRun"]) == ("QUEUED", "MEMBERS", True)
        assert queued["fileName"] == "党员名册.csv"

        run_job(queued["id"])
        job = session.execute(gql(JOB_DOC), variable_values={"id": queued["id"]})["importJob"]

    assert (job["state"], job["finished"], job["committed"]) == ("SUCCEEDED", True, False)
    assert (job["rowsRead"], job["rowsInvalid"], job["rowsValid"]) == (25, 3, 22)
    assert job["rowsCreated"] == 0
    issues = [edge["node"] for edge in job["issues"]["edges"]]
    assert job["issues"]["totalCount"] == job["issueCount"] >= 3
    assert all(issue["message"] and issue["row"] > 1 for issue in issues)
    with in_district("alpha"):
        assert not Member.objects.filter(id_number_hash__in=id_hashes(content)).exists()

    report = httpx.get(
        f"{api_url}{job['errorReport']['url']}",
        headers={"Host": "alpha.localhost", "Authorization": f"Bearer {alpha.token}"},
    )
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert "错误说明" in [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]


def test_the_real_import_commits_and_the_same_file_again_is_a_duplicate(
    alpha: GraphQLClient, cleanup: list[bytes]
) -> None:
    content = roster(12)
    cleanup.append(content)
    first = upload(alpha, content, dry=False).data["importMembers"]
    finished = run_job(first["job"]["id"])
    assert finished.result["committed"] is True
    with in_district("alpha"):
        assert Member.objects.filter(id_number_hash__in=id_hashes(content)).count() == 12

    again = upload(alpha, content, dry=False, name="again.csv").data["importMembers"]
    assert (again["duplicate"], again["created"]) == (True, False)
    assert again["job"]["id"] == first["job"]["id"]
    assert again["job"]["rowsCreated"] == 12


def test_the_finished_job_counts_every_row_read_although_progress_is_throttled(
    alpha: GraphQLClient, cleanup: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches within the throttle interval report nothing; the end reports regardless."""
    content = roster(30, seed=87)
    cleanup.append(content)
    monkeypatch.setattr(type(KINDS["members"]), "batch_size", 10)
    queued = upload(alpha, content).data["importMembers"]["job"]
    run_job(queued["id"])
    done = alpha.execute(JOB_DOC, {"id": queued["id"]}).data["importJob"]
    assert (done["rowsRead"], done["rowsTotal"], done["rowsValid"]) == (30, 30, 30)


def test_the_same_upload_while_it_is_queued_returns_that_job(
    alpha: GraphQLClient, cleanup: list[bytes]
) -> None:
    content = roster(3, seed=83)
    first = upload(alpha, content).data["importMembers"]
    second = upload(alpha, content).data["importMembers"]
    assert (first["created"], second["created"]) == (True, False)
    assert second["job"]["id"] == first["job"]["id"]


def _session(api_url: str) -> dict[str, Any]:
    response = httpx.post(
        f"{api_url}/graphql/",
        json={
            "query": "mutation($u: String!, $p: String!) { login(username: $u, password: $p,"
            " useSession: true) { csrfToken errors { code } } }",
            "variables": {"u": "admin", "p": PASSWORD},
        },
        headers={"Host": "alpha.localhost"},
    )
    return {"csrf": response.json()["data"]["login"]["csrfToken"], "cookies": response.cookies}


def test_a_session_upload_needs_the_csrf_token(
    api_url: str, cleanup: list[bytes], alpha: GraphQLClient
) -> None:
    session = _session(api_url)
    cookie = "; ".join(f"{name}={value}" for name, value in session["cookies"].items())
    anonymous = GraphQLClient(api_url, "alpha.localhost")
    content = roster(2, seed=84)
    with in_district("alpha"):
        jobs = Job.objects.count()

    refused = upload(anonymous, content, headers={"Cookie": cookie})
    assert refused.status == 403
    assert refused.body["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    with in_district("alpha"):
        assert Job.objects.count() == jobs

    accepted = upload(
        anonymous, content, headers={"Cookie": cookie, "X-CSRFToken": session["csrf"]}
    )
    assert accepted.status == 200, accepted.text
    assert accepted.data["importMembers"]["created"] is True


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda path: crafted.zip_bomb_xlsx(path / "bomb.xlsx"), "ZIP_BOMB"),
        (lambda path: crafted.entity_bomb_sheet_xlsx(path / "laughs.xlsx"), "XML_ENTITIES"),
        (lambda path: crafted.macro_xlsx(path / "macro.xlsx"), "MACRO"),
        (lambda path: crafted.png(path / "photo.xlsx"), "UNKNOWN_FORMAT"),
        (lambda path: crafted.encrypted_xlsx(path / "locked.xlsx"), "ENCRYPTED"),
    ],
    ids=["zip-bomb", "entity-bomb", "macro", "png", "encrypted"],
)
def test_a_hostile_upload_is_refused_in_the_payload_and_leaves_nothing(
    alpha: GraphQLClient, cleanup: list[bytes], tmp_path: Path, build: Any, code: str
) -> None:
    path = build(tmp_path)
    with in_district("alpha"):
        before = (Job.objects.count(), StoredFile.objects.count())
    response = upload(alpha, path.read_bytes(), name=path.name)
    payload = response.data["importMembers"]
    assert payload["job"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("file", code)]
    assert payload["errors"][0]["message"]
    with in_district("alpha"):
        assert (Job.objects.count(), StoredFile.objects.count()) == before


def test_a_body_over_the_upload_limit_is_refused_before_it_is_parsed(
    alpha: GraphQLClient, settings: Any
) -> None:
    from django.conf import settings as live

    oversized = b"a" * (live.DANGJIAN_GRAPHQL_MAX_BODY_BYTES + 1)
    response = upload(alpha, oversized, name="huge.csv")
    assert response.status == 413
    assert response.body["errors"][0]["extensions"]["code"] == "TOO_LARGE"


def test_the_platform_host_takes_no_uploads(platform: GraphQLClient) -> None:
    response = platform.upload(
        "mutation($file: Upload!) { importMembers(file: $file) { errors { code } } }",
        {"file": None},
        {"variables.file": ("roster.csv", b"a,b\n", CSV)},
    )
    assert response.status == 400, response.text


def test_a_read_only_token_cannot_import(alpha: GraphQLClient, cleanup: list[bytes]) -> None:
    created = alpha.execute(
        'mutation { createApiToken(input: {name: "readonly-import", scopes: [READ],'
        " expiresInDays: 1}) { key errors { code } } }"
    ).data["createApiToken"]
    reader = alpha.as_user(created["key"])
    response = upload(reader, roster(1, seed=85))
    assert response.status == 403, response.text
    assert response.body["errors"][0]["extensions"]["code"] == "FORBIDDEN_SCOPE"


def test_progress_can_be_read_while_the_import_runs(
    alpha: GraphQLClient, cleanup: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import is one transaction; its progress goes through a side connection, so a poll
    sees rows read while the rows themselves are not yet visible."""
    content = roster(30, seed=86)
    cleanup.append(content)
    queued = upload(alpha, content, dry=False).data["importMembers"]["job"]
    members = KINDS["members"]
    monkeypatch.setattr(type(members), "batch_size", 10)
    monkeypatch.setattr("backend.jobs.progress.JobProgress.report", _unthrottled_report())
    second_batch, release = threading.Event(), threading.Event()
    original_write = type(members).write
    calls: list[int] = []

    def slow_write(self: Any, rows: Any, ctx: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 2:
            second_batch.set()
            release.wait(timeout=30)
        return original_write(self, rows, ctx)

    monkeypatch.setattr(type(members), "write", slow_write)

    def work() -> None:
        try:
            run_job(queued["id"])
        finally:
            connection.close()  # the thread's own connection, or the test database stays in use

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert second_batch.wait(timeout=30)
        polled = alpha.execute(JOB_DOC, {"id": queued["id"]}).data["importJob"]
        assert polled["state"] == "RUNNING"
        assert polled["rowsRead"] == 10  # the first batch's progress, reported before batch 2
        assert polled["rowsTotal"] == 30
        with in_district("alpha"):
            assert not Member.objects.filter(id_number_hash__in=id_hashes(content)).exists()
    finally:
        release.set()
        worker.join(timeout=60)
    done = alpha.execute(JOB_DOC, {"id": queued["id"]}).data["importJob"]
    assert (done["state"], done["rowsRead"], done["rowsCreated"]) == ("SUCCEEDED", 30, 30)


def _unthrottled_report() -> Any:
    from backend.jobs.progress import JobProgress

    original = JobProgress.report

    def report(self: JobProgress, **kwargs: Any) -> None:
        kwargs["force"] = True
        original(self, **kwargs)

    return report


def test_the_template_downloads_with_every_header(
    api_url: str, alpha: GraphQLClient, cleanup: list[bytes]
) -> None:
    answer = alpha.execute(
        "mutation { importTemplate(kind: MEMBERS) { template { url fileName size }"
        " errors { code } } }"
    ).data["importTemplate"]
    link = answer["template"]
    assert link["fileName"].endswith(".xlsx")
    response = httpx.get(
        f"{api_url}{link['url']}",
        headers={"Host": "alpha.localhost", "Authorization": f"Bearer {alpha.token}"},
    )
    assert response.status_code == 200
    assert len(response.content) == link["size"]
    headers = {
        str(cell.value).lstrip("*")
        for cell in next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows())
        if cell.value
    }
    assert {column.header for column in KINDS["members"].columns} <= headers


def test_an_import_is_not_a_metrics_job(alpha: GraphQLClient, cleanup: list[bytes]) -> None:
    """metricsJob reads recompute jobs only, though every job is a row of the same table."""
    from tests.conftest import global_id

    queued = upload(alpha, roster(1, seed=89)).data["importMembers"]["job"]
    as_job = global_id("Job", "alpha", job_pk(queued["id"]))
    answer = alpha.execute("query($id: ID!) { metricsJob(id: $id) { id kind } }", {"id": as_job})
    assert answer.data == {"metricsJob": None}
    # Nor is it a generic Job: ImportJob's rule is the only way to it.
    node = alpha.execute(
        "query($id: ID!) { node(id: $id) { id ... on Job { kind } } }", {"id": as_job}
    )
    assert node.data == {"node": None}
    own = alpha.execute("query($id: ID!) { node(id: $id) { id } }", {"id": queued["id"]})
    assert own.data == {"node": {"id": queued["id"]}}
