"""Exports over HTTP, as a district frontend uses them: ask for an export, poll the job (run here
in-process, as the worker would), download the file with the same bearer token. Nobody else's
token, no expired link and no other district's host gets it; the rows are the requester's scope;
personal data is masked unless unmask is asked, allowed and audited."""

import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.audit.models import AuditEntry
from backend.exports.selectors import export_file
from backend.files.links import download_link
from backend.files.models import StoredFile
from backend.jobs.models import Job
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.conftest import global_id
from tests.exports.support import (
    JOB_QUERY,
    csv_rows,
    fetch,
    job_pk,
    run_job,
    start,
    xlsx_rows,
)
from tests.metrics.isolation_seed import PERIOD
from tests.support.committed_db import db  # noqa: F401 (the fixture)
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

JOBS = "{ exportJobs(first: 50) { totalCount edges { node { id kind state } } } }"


@pytest.fixture(scope="module")
def users(api_url: str, django_db_blocker: Any) -> Iterator[dict[str, GraphQLClient]]:
    """Street s1's admin (no unmask), its admin who may unmask, a viewer of the community."""
    tag = uuid.uuid4().hex[:6]
    clients = {}
    with django_db_blocker.unblock(), in_district("alpha"):
        street = PartyOrg.objects.get(code="alpha-s1")
        for label, role, may_unmask in (
            ("street", Role.ORG_ADMIN, False),
            ("unmasker", Role.ORG_ADMIN, True),
            ("other", Role.DISTRICT_ADMIN, True),
        ):
            user = user_create(username=f"export-{tag}-{label}", password=PASSWORD)
            role_grant(
                user=user,
                role=role,
                org=None if role == Role.DISTRICT_ADMIN else street,
                may_unmask=may_unmask,
            )
            client = GraphQLClient(api_url, "alpha.localhost")
            clients[label] = client.as_user(client.login(user.username, PASSWORD))
    yield clients
    with django_db_blocker.unblock(), in_district("alpha"):
        users = User.objects.filter(username__startswith=f"export-{tag}-")
        jobs = Job.objects.filter(kind__startswith="exports.", requested_by__in=users)
        StoredFile.objects.filter(owner__in=users).delete()
        jobs.delete()


@pytest.fixture(autouse=True)
def _admins_exports_removed(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock(), in_district("alpha"):
        admin_jobs = Job.objects.filter(
            kind__startswith="exports.", requested_by__username="admin"
        ).exclude(dedupe_key="CANARYALPHA")
        ids = [job.result.get("file_id") for job in admin_jobs]
        StoredFile.objects.filter(pk__in=[pk for pk in ids if pk]).delete()
        admin_jobs.delete()


def _org(seeded: dict[str, SeededDistrict], key: str) -> str:
    return global_id("PartyOrg", "alpha", seeded["alpha"].org_pks[key])


def _finished(client: GraphQLClient, job_id: str) -> dict[str, Any]:
    run_job(job_id)
    return dict(client.execute(JOB_QUERY, {"id": job_id}).data["exportJob"])


def test_export_download_and_read_back(
    api_url: str, alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    started = start(alpha, kind="MEMBERS")
    assert started["errors"] == []
    assert started["created"] is True
    queued = started["job"]
    assert (queued["kind"], queued["format"], queued["state"]) == ("MEMBERS", "XLSX", "QUEUED")
    assert (queued["download"], queued["unmasked"], queued["finished"]) == (None, False, False)

    done = _finished(alpha, queued["id"])
    with in_district("alpha"):
        members = Member.objects.count()
    assert (done["state"], done["rowsWritten"], done["rowsTotal"]) == (
        "SUCCEEDED",
        members,
        members,
    )
    link = done["download"]
    assert link["url"].startswith("/files/")
    assert link["fileName"].startswith("党员名册-")
    assert link["fileName"].endswith(".xlsx")

    response = fetch(api_url, link["url"], alpha)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert int(response.headers["content-length"]) == link["size"] == len(response.content)
    rows = xlsx_rows(response.content)
    assert rows[0][:2] == ["姓名", "公民身份号码"]
    assert len(rows) == members + 1
    by_name = {row[0]: row for row in rows[1:]}
    alpha_seed = seeded["alpha"]
    for index, id_number in enumerate(alpha_seed.id_numbers):
        assert by_name[f"CANARYALPHA党员{index}"][1] == id_number[:3] + "*" * 11 + id_number[-4:]
    flat = repr(rows)
    assert not any(secret in flat for secret in (*alpha_seed.id_numbers, *alpha_seed.phones))


@pytest.mark.parametrize(
    ("kind", "extra", "first_header"),
    [
        ("UNITS", {}, "单位名称"),
        ("ORG_TREE", {}, "组织代码"),
        ("ACTIVITIES", {}, "活动编号"),
        ("METRIC_TABLE", {"metric": "participation_rate", "period": PERIOD}, "组织代码"),
    ],
)
def test_every_kind_as_csv(
    api_url: str, alpha: GraphQLClient, kind: str, extra: dict[str, str], first_header: str
) -> None:
    started = start(alpha, kind=kind, format="CSV", **extra)
    assert started["errors"] == []
    done = _finished(alpha, started["job"]["id"])
    assert done["state"] == "SUCCEEDED"
    response = fetch(api_url, done["download"]["url"], alpha)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    assert rows[0][0] == first_header
    assert len(rows) == done["rowsWritten"] + 1 > 1
    assert all("CANARYBETA" not in cell for row in rows for cell in row)


def test_the_link_is_for_the_requester_on_their_districts_host_only(
    api_url: str, alpha: GraphQLClient, beta: GraphQLClient, users: dict[str, GraphQLClient]
) -> None:
    started = start(alpha, kind="ORG_TREE", format="CSV")
    done = _finished(alpha, started["job"]["id"])
    url = done["download"]["url"]
    assert fetch(api_url, url, alpha).status_code == 200
    stranger = fetch(api_url, url, users["other"])  # a district admin too, not the requester
    assert stranger.status_code == 404
    assert "CANARYALPHA" not in stranger.text
    assert fetch(api_url, url, beta, host="beta.localhost").status_code == 404
    assert fetch(api_url, url, alpha, host="beta.localhost").status_code == 401
    # Nor does the job show to them: only its requester sees an export.
    assert users["other"].execute(JOB_QUERY, {"id": started["job"]["id"]}).data == {
        "exportJob": None
    }
    assert beta.execute(JOB_QUERY, {"id": started["job"]["id"]}).data == {"exportJob": None}
    theirs = users["other"].execute(JOBS).data["exportJobs"]
    assert started["job"]["id"] not in {edge["node"]["id"] for edge in theirs["edges"]}
    mine = alpha.execute(JOBS).data["exportJobs"]
    assert started["job"]["id"] in {edge["node"]["id"] for edge in mine["edges"]}


def test_an_expired_link_or_file_gets_404(api_url: str, alpha: GraphQLClient) -> None:
    started = start(alpha, kind="ORG_TREE", format="CSV")
    done = _finished(alpha, started["job"]["id"])
    with in_district("alpha"):
        job = Job.objects.get(pk=job_pk(started["job"]["id"]))
        stored = export_file(job)
        assert stored is not None
        admin = User.objects.get(username="admin")
        old = timezone.now().timestamp() - 901  # DANGJIAN_DOWNLOAD_LINK_TTL is 900 s
        with mock.patch("django.core.signing.time.time", return_value=old):
            stale = download_link(stored, admin).url
    assert fetch(api_url, stale, alpha).status_code == 404
    assert fetch(api_url, done["download"]["url"], alpha).status_code == 200
    with in_district("alpha"):
        StoredFile.objects.filter(pk=stored.pk).update(expires_at=timezone.now())
    assert fetch(api_url, done["download"]["url"], alpha).status_code == 404
    again = alpha.execute(JOB_QUERY, {"id": started["job"]["id"]}).data["exportJob"]
    assert (again["state"], again["download"]) == ("SUCCEEDED", None)


def test_the_same_request_while_queued_is_the_same_job(alpha: GraphQLClient) -> None:
    first = start(alpha, kind="UNITS", format="CSV")
    second = start(alpha, kind="UNITS", format="CSV")
    xlsx = start(alpha, kind="UNITS")
    assert (first["created"], second["created"], xlsx["created"]) == (True, False, True)
    assert second["job"]["id"] == first["job"]["id"] != xlsx["job"]["id"]


def test_an_org_admin_exports_their_subtree_only(
    api_url: str, users: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    street = users["street"]
    started = start(street, kind="MEMBERS", format="CSV")
    done = _finished(street, started["job"]["id"])
    rows = csv_rows(fetch(api_url, done["download"]["url"], street).content)
    with in_district("alpha"):
        s1 = PartyOrg.objects.get(code="alpha-s1")
        expected = set(
            Member.objects.filter(org__path__descendant_of=s1.path).values_list("name", flat=True)
        )
        outside = set(Member.objects.values_list("name", flat=True)) - expected
    assert {row[0] for row in rows[1:]} == expected
    assert not outside & {row[0] for row in rows[1:]}
    refused = start(street, kind="MEMBERS", within=_org(seeded, "s2"))
    assert refused["job"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("within", "NOT_FOUND")]


def test_unmask_needs_the_grant_and_a_purpose_and_is_audited(
    api_url: str, users: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    refused = start(users["street"], kind="MEMBERS", unmask=True, purpose="换届选举")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("unmask", "FORBIDDEN")]
    no_purpose = start(users["unmasker"], kind="MEMBERS", unmask=True)
    assert [(e["field"], e["code"]) for e in no_purpose["errors"]] == [("purpose", "REQUIRED")]

    unmasker = users["unmasker"]
    started = start(
        unmasker,
        kind="MEMBERS",
        format="CSV",
        within=_org(seeded, "s1-c1"),
        unmask=True,
        purpose="换届选举名册核对",
    )
    assert started["errors"] == []
    done = _finished(unmasker, started["job"]["id"])
    assert done["unmasked"] is True
    assert done["download"]["fileName"].endswith("-完整信息.csv")
    rows = csv_rows(fetch(api_url, done["download"]["url"], unmasker).content)
    alpha_seed = seeded["alpha"]
    in_compound = {alpha_seed.id_numbers[i] for i in (0, 2, 4)}  # members of s1-c1-b1
    assert in_compound <= {row[1] for row in rows[1:]}
    pk = job_pk(started["job"]["id"])
    with in_district("alpha"):
        entries = AuditEntry.objects.filter(target_type="ExportJob", target_id=pk)
        unmask = entries.get(action="personal_data.unmask")
        export = entries.get(action="export")
        refusal = AuditEntry.objects.filter(action="personal_data.unmask", result="refused").latest(
            "id"
        )
    assert unmask.detail == {"fields": ["id_number", "phone"], "purpose": "换届选举名册核对"}
    assert unmask.actor_username.endswith("-unmasker")
    assert (export.result, export.detail["rows"], export.detail["unmask"]) == (
        "ok",
        len(rows) - 1,
        True,
    )
    assert refusal.actor_username.endswith("-street")
    assert refusal.reason == "NO_UNMASK_PERMISSION"
