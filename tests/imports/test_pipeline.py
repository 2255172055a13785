"""The import pipeline in process (backend.imports.services + run): a generated roster goes in
through import_request as an upload and out as a finished job, inside alpha's rolled-back test
transaction."""

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from backend.files.models import StoredFile
from backend.files.services import stored_file_chunks
from backend.imports import samples
from backend.imports.models import ImportIssue
from backend.imports.run import import_run
from backend.imports.services import import_request
from backend.jobs.models import Job
from backend.members.models import Member
from backend.members.personal_data import id_number_hash

pytestmark = pytest.mark.usefixtures("in_alpha")


def admin() -> Any:
    return get_user_model().objects.get(username="admin")


def roster_csv(rows: int, *, spoil: int = 0, seed: int = 81) -> bytes:
    out = io.StringIO()
    samples.write_csv(
        out, samples.roster_rows(samples.member_org_codes(), rows=rows, seed=seed, spoil=spoil)
    )
    return out.getvalue().encode("utf-8-sig")


def roster_lines(content: bytes) -> list[list[str]]:
    return [line.split(",") for line in content.decode("utf-8-sig").splitlines()[1:]]


def run(content: bytes, *, dry_run: bool = False, mode: str = "all_or_nothing") -> Job:
    requested = import_request(
        kind_code="members",
        upload=SimpleUploadedFile("roster.csv", content, "text/csv"),
        dry_run=dry_run,
        mode=mode,
        user=admin(),
    )
    return import_run(requested.job.pk)


def members_with(content: bytes) -> int:
    hashes = [id_number_hash(row[1]) for row in roster_lines(content)]
    return Member.objects.filter(id_number_hash__in=hashes).count()


@pytest.fixture
def spoiled() -> bytes:
    return roster_csv(40, spoil=len(samples.SPOILERS))


def test_a_dry_run_reports_every_bad_row_and_writes_nothing(spoiled: bytes) -> None:
    job = run(spoiled, dry_run=True)

    assert job.state == "succeeded", job.error
    assert job.result["committed"] is False
    assert job.result["read"] == 40
    issues = list(ImportIssue.objects.filter(job=job))
    assert {issue.code for issue in issues} >= {"REQUIRED", "NOT_FOUND", "DUPLICATE_IN_FILE"}
    assert job.result["invalid"] == len({issue.row for issue in issues}) == len(samples.SPOILERS)
    assert members_with(spoiled) == 0
    assert Member.objects.filter(name__in=[r[0] for r in roster_lines(spoiled)]).count() == 0


def test_all_or_nothing_with_one_bad_row_of_a_thousand_commits_nothing_and_names_the_row() -> None:
    content = roster_csv(1000, spoil=1)
    job = run(content)

    assert job.state == "succeeded"
    assert (job.result["committed"], job.result["invalid"], job.result["created"]) == (False, 1, 0)
    assert members_with(content) == 0
    (issue,) = ImportIssue.objects.filter(job=job)
    assert issue.row == 502  # the spoiled row: data row 500, after the header row
    assert issue.column == "公民身份号码"
    assert issue.value.count("*") >= 10  # masked


def test_skip_bad_rows_commits_the_good_ones_and_reports_the_rest(spoiled: bytes) -> None:
    job = run(spoiled, mode="skip_bad_rows")

    assert job.result["committed"] is True
    bad = len(samples.SPOILERS)
    assert job.result["created"] == 40 - bad
    assert job.result["invalid"] == bad
    assert members_with(spoiled) == 40 - bad


def test_importing_the_same_file_again_is_a_double_submit_and_an_updated_file_updates() -> None:
    content = roster_csv(30)
    first = run(content)
    assert (first.result["committed"], first.result["created"]) == (True, 30)

    again = import_request(
        kind_code="members",
        upload=SimpleUploadedFile("roster-copy.csv", content, "text/csv"),
        dry_run=False,
        mode="all_or_nothing",
        user=admin(),
    )
    assert (again.duplicate, again.job.pk) == (True, first.pk)

    changed = content.replace("大学本科".encode(), "研究生".encode())
    assert changed != content
    second = run(changed)
    assert second.result["created"] == 0
    assert second.result["updated"] + second.result["unchanged"] == 30
    assert second.result["updated"] == content.decode("utf-8-sig").count("大学本科")
    assert members_with(content) == 30


def test_the_error_report_is_the_file_with_an_error_column_and_masked_personal_data(
    spoiled: bytes,
) -> None:
    job = run(spoiled, dry_run=True)

    report = StoredFile.objects.get(pk=job.result["report_file_id"])
    assert report.owner_id == admin().pk
    workbook = load_workbook(io.BytesIO(b"".join(stored_file_chunks(report))))
    text = "\n".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "错误说明" in text
    assert "请填写姓名" in text
    for row in roster_lines(spoiled):
        assert row[1] not in text  # no ID number in the clear
        assert row[7] not in text  # nor a phone


def test_a_file_without_a_required_column_fails_with_a_reason_and_writes_nothing() -> None:
    content = "姓名,学历\n张三,大学本科\n".encode()
    job = run(content)

    assert job.state == "failed"
    assert "缺少必填列" in job.error
    assert "公民身份号码" in job.error
    assert not ImportIssue.objects.filter(job=job).exists()


def test_the_upload_is_refused_before_a_job_exists_when_it_is_not_a_roster() -> None:
    from backend.common.validation import ValidationFailed

    jobs, files = Job.objects.count(), StoredFile.objects.count()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    with pytest.raises(ValidationFailed) as refused:
        import_request(
            kind_code="members",
            upload=SimpleUploadedFile("roster.xlsx", png, "application/octet-stream"),
            dry_run=True,
            mode="all_or_nothing",
            user=admin(),
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("file", "UNKNOWN_FORMAT")]
    assert (Job.objects.count(), StoredFile.objects.count()) == (jobs, files)


def test_an_org_admins_import_writes_inside_their_subtree_only() -> None:
    """The job runs with its requester's grants: rows for orgs outside them are refused as if
    the org did not exist, and in skip mode the others are written."""
    from backend.access.services import role_grant
    from backend.accounts.services import user_create
    from backend.orgs.models import PartyOrg

    street = PartyOrg.objects.get(code="alpha-s1")
    inside = PartyOrg.objects.get(code="alpha-s1-c1-b1")
    outside = PartyOrg.objects.get(code="alpha-s2-t1")
    user = user_create(username="import-street-admin", password="Import-pass-2024x")
    role_grant(user=user, role="org_admin", org=street)
    lines = roster_lines(roster_csv(4, seed=88))
    lines[0][6] = lines[1][6] = inside.code
    lines[2][6] = lines[3][6] = outside.code
    content = "\n".join(",".join(row) for row in [list(samples.HEADERS), *lines]).encode()

    requested = import_request(
        kind_code="members",
        upload=SimpleUploadedFile("street.csv", content, "text/csv"),
        dry_run=False,
        mode="skip_bad_rows",
        user=user,
    )
    job = import_run(requested.job.pk)

    assert (job.result["created"], job.result["invalid"]) == (2, 2)
    issues = list(ImportIssue.objects.filter(job=job).order_by("row"))
    assert [(i.row, i.column, i.code) for i in issues] == [
        (4, "所在党组织代码", "NOT_FOUND"),
        (5, "所在党组织代码", "NOT_FOUND"),
    ]
    assert (
        Member.objects.filter(
            org=inside, id_number_hash__in=[id_number_hash(row[1]) for row in lines[:2]]
        ).count()
        == 2
    )
    assert not Member.objects.filter(
        id_number_hash__in=[id_number_hash(row[1]) for row in lines[2:]]
    ).exists()
