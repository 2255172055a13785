"""Asking for an export and running it, in-process inside alpha (rolled back): conditions are
checked, one job per user and request while it is active, unmask needs the grant over the whole
subtree and a purpose and is audited (refusals too), the run stores the file, counts its rows,
audits the export and stops when the requester's access went away meanwhile."""

import tempfile
import tracemalloc
import uuid
from datetime import date
from typing import Any

import pytest
from django.db import connection

from backend.access.models import Role, RoleGrant
from backend.access.scopes import access_for_user
from backend.access.services import role_grant
from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.exports import run as export_run
from backend.exports.kinds import KINDS
from backend.exports.run import run_export, write_rows
from backend.exports.services import ExportRequest, export_request
from backend.exports.spec import ExportFilters, ExportFormat, ExportKindCode, ExportScope
from backend.exports.tasks import run_export_task
from backend.files.models import StoredFile
from backend.files.services import stored_file_chunks
from backend.jobs.models import Job, JobState
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from tests.exports.support import ADMIN, csv_rows
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.django_db

MEMBERS = ExportKindCode.MEMBERS


@pytest.fixture
def alpha(in_alpha: None, seeded: dict[str, SeededDistrict]) -> SeededDistrict:
    return seeded["alpha"]


def _org(alpha: SeededDistrict, key: str) -> PartyOrg:
    return PartyOrg.objects.get(pk=alpha.org_pks[key])


def _user(role: str, org: PartyOrg | None = None, *, may_unmask: bool = False) -> User:
    user = user_create(username=f"exp-{uuid.uuid4().hex[:8]}", password=PASSWORD)
    role_grant(user=user, role=role, org=org, may_unmask=may_unmask)
    return user


def _ask(user: User, **fields: Any) -> tuple[Job, bool]:
    return export_request(
        request=ExportRequest(**{"kind": MEMBERS, **fields}),
        user=user,
        access=access_for_user(user),
    )


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in exc.value.errors]


def test_conditions_of_another_kind_are_refused(alpha: SeededDistrict) -> None:
    admin = User.objects.get(username="admin")
    jobs_before = Job.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _ask(admin, kind=ExportKindCode.UNITS, filters=ExportFilters(category="mobile"))
    assert _codes(refused) == [("category", "NOT_APPLICABLE")]
    with pytest.raises(ValidationFailed) as refused:
        _ask(admin, kind=ExportKindCode.METRIC_TABLE)
    assert _codes(refused) == [("metric", "REQUIRED"), ("period", "REQUIRED")]
    with pytest.raises(ValidationFailed) as refused:
        _ask(
            admin,
            kind=ExportKindCode.METRIC_TABLE,
            filters=ExportFilters(metric="nope", period="2026-13"),
        )
    assert _codes(refused) == [("metric", "UNKNOWN_METRIC"), ("period", "INVALID")]
    with pytest.raises(ValidationFailed) as refused:
        _ask(
            admin,
            kind=ExportKindCode.ACTIVITIES,
            filters=ExportFilters(start=date(2026, 2, 1), end=date(2026, 1, 1)),
        )
    assert _codes(refused) == [("end", "OUT_OF_RANGE")]
    with pytest.raises(ValidationFailed) as refused:
        _ask(admin, kind=ExportKindCode.UNITS, unmask=True, purpose="核对")
    assert _codes(refused) == [("unmask", "NOT_APPLICABLE")]
    assert Job.objects.count() == jobs_before


def test_one_job_per_user_and_request_while_active(alpha: SeededDistrict) -> None:
    admin = User.objects.get(username="admin")
    other = _user(Role.DISTRICT_ADMIN)
    first, created = _ask(admin)
    again, created_again = _ask(admin)
    csv, _ = _ask(admin, format=ExportFormat.CSV)
    theirs, _ = _ask(other)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert len({first.pk, csv.pk, theirs.pk}) == 3
    assert (first.kind, first.params["format"], first.requested_by_id) == (
        "exports.members",
        "xlsx",
        admin.pk,
    )
    Job.objects.filter(pk=first.pk).update(state=JobState.SUCCEEDED)
    assert _ask(admin)[1] is True  # a finished export does not block a new one


def test_unmask_needs_a_purpose(alpha: SeededDistrict) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _ask(User.objects.get(username="admin"), unmask=True, purpose=" ")
    assert _codes(refused) == [("purpose", "REQUIRED")]


def test_unmask_needs_the_grant_over_the_whole_subtree(alpha: SeededDistrict) -> None:
    s1, community = _org(alpha, "s1"), _org(alpha, "s1-c1")
    plain_admin = _user(Role.ORG_ADMIN, s1)
    partly = _user(Role.ORG_ADMIN, s1)
    role_grant(user=partly, role=Role.VIEWER, org=community, may_unmask=True)
    for user, within in ((plain_admin, s1), (partly, None), (partly, s1)):
        with pytest.raises(ValidationFailed) as refused:
            _ask(user, within=within, unmask=True, purpose="党费核对")
        assert _codes(refused) == [("unmask", "FORBIDDEN")]
        entry = AuditEntry.objects.filter(actor_id=user.pk).latest("id")
        assert (entry.action, entry.result, entry.reason) == (
            "personal_data.unmask",
            "refused",
            "NO_UNMASK_PERMISSION",
        )
        assert entry.detail == {"fields": ["id_number", "phone"], "purpose": "党费核对"}
    assert not Job.objects.filter(requested_by__in=[plain_admin, partly]).exists()
    job, created = _ask(partly, within=community, unmask=True, purpose="党费核对")
    assert created
    entry = AuditEntry.objects.filter(actor_id=partly.pk, result="ok").latest("id")
    assert (entry.action, entry.target_type, entry.target_id) == (
        "personal_data.unmask",
        "ExportJob",
        job.pk,
    )
    assert entry.detail == {"fields": ["id_number", "phone"], "purpose": "党费核对"}


def test_running_the_job_stores_the_file_counts_rows_and_audits(alpha: SeededDistrict) -> None:
    user = _user(Role.ORG_ADMIN, _org(alpha, "s1"), may_unmask=True)
    job, _ = _ask(user, format=ExportFormat.CSV, unmask=True, purpose="换届选举名册")
    finished = run_export(job.pk)
    expected = Member.objects.filter(org__path__descendant_of=_org(alpha, "s1").path).count()
    assert finished.state == JobState.SUCCEEDED
    assert (finished.steps_done, finished.steps_total) == (expected, expected)
    assert finished.result["rows"] == expected
    stored = StoredFile.objects.get(pk=finished.result["file_id"])
    assert (stored.owner_id, stored.purpose, stored.content_type) == (
        user.pk,
        "export",
        "text/csv; charset=utf-8",
    )
    assert stored.name.startswith("党员名册-")
    assert stored.name.endswith("-完整信息.csv")
    assert stored.expires_at is not None
    rows = csv_rows(b"".join(stored_file_chunks(stored)))
    assert len(rows) == expected + 1
    assert set(alpha.id_numbers) <= {row[1] for row in rows}  # unmasked as asked
    entry = AuditEntry.objects.filter(action="export", target_id=job.pk).get()
    assert (entry.actor_id, entry.target_type, entry.result) == (user.pk, "ExportJob", "ok")
    assert entry.detail == {
        "kind": "members",
        "format": "csv",
        "within_org_id": None,
        "filters": {},
        "unmask": True,
        "rows": expected,
    }
    assert run_export(job.pk).result == finished.result  # a redelivery changes nothing


def test_a_job_whose_requester_lost_access_fails(alpha: SeededDistrict) -> None:
    user = _user(Role.ORG_ADMIN, _org(alpha, "s1"), may_unmask=True)
    job, _ = _ask(user, within=_org(alpha, "s1-c1"), unmask=True, purpose="换届选举名册")
    RoleGrant.objects.filter(user=user).update(may_unmask=False)
    failed = run_export(job.pk)
    assert (failed.state, failed.error) == (JobState.FAILED, "您已没有导出完整身份信息的权限。")
    assert not StoredFile.objects.filter(owner=user).exists()
    entry = AuditEntry.objects.filter(action="export", target_id=job.pk).get()
    assert (entry.result, entry.reason) == ("failed", "您已没有导出完整身份信息的权限。")
    other, _ = _ask(user, within=_org(alpha, "s1-c1"))
    RoleGrant.objects.filter(user=user).delete()
    assert run_export(other.pk).error == "您已无权查看该党组织的数据。"


class _Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[int, int, str]] = []

    def report(
        self, *, done: int, total: int, label: str, result: Any, force: bool = False
    ) -> None:
        self.reports.append((done, total, label))


def test_progress_counts_rows_as_they_are_written(
    alpha: SeededDistrict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_run, "REPORT_EVERY", 3)
    recorder = _Recorder()
    scope = ExportScope(ADMIN, None, False, ExportFilters())
    with tempfile.TemporaryFile() as out:
        rows = write_rows(KINDS[ExportKindCode.ORG_TREE], scope, ExportFormat.CSV, out, recorder)
    assert rows == PartyOrg.objects.count() >= 6
    done = [report[0] for report in recorder.reports]
    assert done == [0, *range(3, rows + 1, 3), rows]
    assert {report[1:] for report in recorder.reports} == {(rows, "正在导出党组织树")}


def test_the_celery_task_runs_the_job_in_its_district(alpha: SeededDistrict) -> None:
    job, _ = _ask(User.objects.get(username="admin"), kind=ExportKindCode.ORG_TREE)
    result = run_export_task.apply(args=[job.pk], headers={"_schema_name": "district_alpha"})
    assert result.get() == "succeeded"
    assert Job.objects.get(pk=job.pk).result["rows"] == PartyOrg.objects.count()
    assert run_export_task.schema_scope == "district"


def test_an_unexpected_error_fails_the_job_without_its_text(
    alpha: SeededDistrict, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, _ = _ask(User.objects.get(username="admin"))

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError(alpha.id_numbers[0])

    monkeypatch.setattr(export_run, "write_rows", broken)
    with pytest.raises(RuntimeError):
        run_export_task.apply(args=[job.pk], headers={"_schema_name": "district_alpha"}).get()
    failed = Job.objects.get(pk=job.pk)
    assert (failed.state, failed.error) == (
        JobState.FAILED,
        "导出出错（RuntimeError），请重新导出。",
    )
    assert alpha.id_numbers[0] not in failed.error


def _member(org: PartyOrg, i: int) -> Member:
    born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
    member = Member(
        name=f"导出内存测试{i}",
        gender="male" if i % 1000 % 2 else "female",
        birth_date=born,
        education="bachelor",
        joined_on=date(2001, 7, 1),
        status="full",
        category="retired",
        org=org,
    )
    member.id_number = make_id_number("530102", born, i % 1000)
    member.phone = f"137{i:08d}"
    return member


def _members_bulk(org: PartyOrg, count: int, start: int) -> None:
    Member.objects.bulk_create(_member(org, i) for i in range(start, start + count))


def _peak(org: PartyOrg, fmt: ExportFormat) -> tuple[int, int]:
    scope = ExportScope(ADMIN, org, False, ExportFilters())
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        try:
            rows = write_rows(KINDS[MEMBERS], scope, fmt, out)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return rows, peak


@pytest.mark.parametrize("fmt", [ExportFormat.XLSX, ExportFormat.CSV])
def test_memory_stays_bounded_as_rows_grow(
    alpha: SeededDistrict, fmt: ExportFormat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the cursor fetching 200 rows at a time, 4,000 rows need no more memory than 1,000:
    rows go to the file on disk as they come and are never collected. (The 100,000-row figure
    is the benchmark's.)"""
    assert connection.in_atomic_block  # the iterator uses a server-side cursor here
    monkeypatch.setattr(export_run, "CHUNK_ROWS", 200)
    org = _org(alpha, "s1-c1-b1-g1")
    _members_bulk(org, 1000, 0)
    small_rows, small_peak = _peak(org, fmt)
    _members_bulk(org, 3000, 1000)
    large_rows, large_peak = _peak(org, fmt)
    assert (small_rows, large_rows) == (1000, 4000)
    assert large_peak < small_peak * 1.25 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024, large_peak
