"""Importing 100,000 member rows (issue 8), as a worker does it, in a district of its own.

    python -m bench.import_bench [--rows 100000] [--format xlsx|csv] [--keep]

1. A throwaway district `benchimport` is provisioned from the template with an org tree of 1 +
   10 streets × 10 communities × 4 branches (451 orgs).
2. A roster of `--rows` generated members (backend.imports.samples) is written as .xlsx or .csv.
3. A child process — a fresh interpreter like a worker — stores the file as an upload and runs the
   import job (backend.imports.run.import_run: reading, checking, writing, progress, commit).
   It reports the job's wall time and its own peak RSS (ru_maxrss), Django included.
4. The district is dropped (unless --keep).

Then every imported member is exported, as .xlsx and as .csv, each in a child process of its own
(the export task run in-process), with its time and peak RSS: the export streams, so its memory
should not grow with the rows.

Targets: the import under 60 s and under 500 MB. DATABASE_URL names the database (the bench's
own)."""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import django

if __name__ == "__main__":  # run as a script: Django first, then the models
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    django.setup()

from bench.admin_ops import district_drop
from tenants.context import in_district, in_platform
from tenants.models import District

CODE = "benchimport"
ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MB = 60, 500


def district_fresh() -> District:
    from backend.orgs.models import PartyOrgKind as K
    from backend.orgs.services import org_create
    from tenants.provisioning import district_create, municipality_ensure

    with in_platform():
        district_drop(CODE)
        municipality = municipality_ensure(code="benchcity", name="基准市")
        district_create(
            municipality=municipality,
            code=CODE,
            name="导入基准区",
            admin_username="admin",
            admin_password="Bench-pass-2024",  # noqa: S106
        )
    district = District.objects.get(code=CODE)
    with in_district(district):
        root = org_create(code="B", name="导入基准区委", kind=K.DISTRICT_COMMITTEE, parent=None)
        for s in range(10):
            street = org_create(
                code=f"B{s:02d}",
                name=f"第{s}街道党工委",
                kind=K.STREET_WORKING_COMMITTEE,
                parent=root,
            )
            for c in range(10):
                community = org_create(
                    code=f"B{s:02d}{c:02d}",
                    name=f"第{s}街道第{c}社区党委",
                    kind=K.COMMUNITY_COMMITTEE,
                    parent=street,
                )
                for b in range(4):
                    org_create(
                        code=f"B{s:02d}{c:02d}{b:02d}",
                        name=f"第{s}街道第{c}社区第{b}支部",
                        kind=K.COMPOUND_BRANCH,
                        parent=community,
                    )
    return district


def roster_write(district: District, rows: int, suffix: str) -> Path:
    from backend.imports.samples import member_org_codes, roster_rows, write_csv, write_xlsx

    with in_district(district):
        codes = member_org_codes()
    path = Path(tempfile.mkdtemp(prefix="dangjian-bench-")) / f"roster{suffix}"
    generated = roster_rows(codes, rows=rows, seed=2024)
    if suffix == ".xlsx":
        write_xlsx(path, generated)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(handle, generated)
    return path


def run_child(path: Path) -> dict[str, Any]:
    """Import `path` into the bench district in a fresh interpreter; its report as a dict."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.import_bench", "--child", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def child(path: Path) -> None:
    from django.contrib.auth import get_user_model

    from backend.files.services import stored_file_save
    from backend.imports.intake import inspect_upload
    from backend.imports.run import import_run
    from backend.imports.services import job_kind
    from backend.jobs.models import Job

    with in_district(District.objects.get(code=CODE)):
        admin = get_user_model().objects.get(username="admin")
        with path.open("rb") as source:
            stored = stored_file_save(
                source=source,
                name=path.name,
                content_type="application/octet-stream",
                purpose="import",
                owner=admin,
                ttl=None,
            )
        job = Job.objects.create(
            kind=job_kind("members"),
            dedupe_key=f"bench:{time.time()}",
            params={
                "file_id": stored.pk,
                "file_name": path.name,
                "format": str(inspect_upload(path, path.name)),
                "checksum": "bench",
                "dry_run": False,
                "mode": "all_or_nothing",
            },
            requested_by=admin,
        )
        started = time.perf_counter()
        finished = import_run(job.pk)
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "state": finished.state,
                "error": finished.error,
                "result": finished.result,
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_kb / 1024, 1),
            }
        )
    )


def export_child(file_format: str) -> None:
    """Export every member of the bench district as a worker would (the task, run eagerly here)."""
    from django.contrib.auth import get_user_model

    from backend.access.scopes import access_for_user
    from backend.config.celery import app
    from backend.exports.services import ExportRequest, export_request
    from backend.exports.spec import ExportFormat, ExportKindCode
    from backend.files.models import StoredFile
    from backend.jobs.models import Job

    app.conf.task_always_eager = True
    with in_district(District.objects.get(code=CODE)):
        admin = get_user_model().objects.get(username="admin")
        started = time.perf_counter()
        job, _created = export_request(
            request=ExportRequest(kind=ExportKindCode.MEMBERS, format=ExportFormat(file_format)),
            user=admin,
            access=access_for_user(admin),
        )
        seconds = time.perf_counter() - started
        job = Job.objects.get(pk=job.pk)
        stored = StoredFile.objects.filter(pk=job.result.get("file_id")).first()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "state": job.state,
                "error": job.error,
                "rows": job.steps_done,
                "file_mb": round(stored.size / (1 << 20), 1) if stored else None,
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_kb / 1024, 1),
            }
        )
    )


def run_export_child(file_format: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.import_bench", "--child-export", file_format],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def measure(rows: int = 100_000, suffix: str = ".xlsx", keep: bool = False) -> dict[str, Any]:
    """The import, then exporting what it imported as .xlsx and as .csv."""
    district = district_fresh()
    try:
        started = time.perf_counter()
        path = roster_write(district, rows, suffix)
        generated = time.perf_counter() - started
        report = run_child(path)
        report.update(
            rows=rows,
            format=suffix[1:],
            file_mb=round(path.stat().st_size / (1 << 20), 1),
            generate_seconds=round(generated, 1),
        )
        path.unlink()
        report["exports"] = {fmt: run_export_child(fmt) for fmt in ("xlsx", "csv")}
        return report
    finally:
        if not keep:
            with in_platform():
                district_drop(CODE)


def export_summary(report: dict[str, Any]) -> str:
    return "; ".join(
        f"{fmt}: {r['rows']} rows in {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB, "
        f"{r['file_mb']} MB file"
        for fmt, r in report["exports"].items()
    )


def summary(report: dict[str, Any]) -> str:
    met = report["seconds"] < TARGET_SECONDS and report["peak_mb"] < TARGET_MB
    result = report["result"]
    return (
        f"{report['seconds']:.1f} s, peak {report['peak_mb']:.0f} MB "
        f"({report['format']}, {report['file_mb']} MB; created {result.get('created')}, "
        f"issues {result.get('issues')}; target < {TARGET_SECONDS} s and < {TARGET_MB} MB: "
        f"{'met' if met else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--keep", action="store_true", help="keep the district afterwards")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-export", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    if options.child_export:
        export_child(options.child_export)
        return
    report = measure(options.rows, f".{options.format}", options.keep)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(summary(report))
    print("exports:", export_summary(report))


if __name__ == "__main__":
    main()
