"""Shared by the export tests: reading files back, running a queued export in-process, and
building scopes."""

import csv
import io
from typing import Any

import httpx
from openpyxl import load_workbook

from backend.access.scopes import Access
from backend.exports.kinds import KINDS
from backend.exports.run import run_export, write_rows
from backend.exports.spec import ExportFilters, ExportFormat, ExportKindCode, ExportScope
from backend.jobs.models import Job
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tenants.global_ids import decode_node_id
from tests.support.graphql_client import GraphQLClient

ADMIN = Access(read_paths=None, write_paths=None, unmask_paths=None)
ERRORS = "errors { field code message }"
JOB = (
    "id kind format state unmasked rowsWritten rowsTotal finished error createdAt finishedAt"
    " download { url expiresAt fileName size }"
)
START = (
    "mutation($input: ExportInput!) { startExport(input: $input)"
    f" {{ created job {{ {JOB} }} {ERRORS} }} }}"
)
JOB_QUERY = f"query($id: ID!) {{ exportJob(id: $id) {{ {JOB} }} }}"


def subtree_access(*orgs: PartyOrg, unmask: tuple[PartyOrg, ...] = ()) -> Access:
    paths = tuple(str(org.path) for org in orgs)
    return Access(
        read_paths=paths, write_paths=paths, unmask_paths=tuple(str(o.path) for o in unmask)
    )


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV without a UTF-8 BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def export_bytes(
    code: ExportKindCode,
    access: Access = ADMIN,
    *,
    fmt: ExportFormat = ExportFormat.CSV,
    within: PartyOrg | None = None,
    unmask: bool = False,
    filters: ExportFilters | None = None,
) -> bytes:
    """An export written in-process (no job), as bytes."""
    out = io.BytesIO()
    scope = ExportScope(access, within, unmask, filters or ExportFilters())
    write_rows(KINDS[code], scope, fmt, out)
    return out.getvalue()


def export_table(code: ExportKindCode, access: Access = ADMIN, **options: Any) -> list[list[str]]:
    return csv_rows(export_bytes(code, access, **options))


def job_pk(global_id: str, district: str = "alpha") -> int:
    import base64

    type_name, _, node_id = base64.b64decode(global_id).decode().partition(":")
    assert type_name == "ExportJob", type_name
    with in_district(district):
        pk = decode_node_id(node_id)
    assert pk is not None
    return pk


def run_job(global_id: str, district: str = "alpha") -> Job:
    """Run a queued export job in this process, as the worker would."""
    pk = job_pk(global_id, district)
    with in_district(district):
        return run_export(pk)


def start(client: GraphQLClient, **input: Any) -> dict[str, Any]:
    response = client.execute(START, {"input": input})
    assert response.status == 200, response.text
    return dict(response.data["startExport"])


def fetch(
    api_url: str, url: str, client: GraphQLClient, host: str = "alpha.localhost"
) -> httpx.Response:
    return httpx.get(
        f"{api_url}{url}",
        headers={"Host": host, "Authorization": f"Bearer {client.token}"},
        timeout=60,
    )
