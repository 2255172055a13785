"""Measure district provisioning: cloning the template schema against replaying every migration.

Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dangjian_bench .venv/bin/python bench/provisioning.py
It creates districts named bench<N> and drops them again afterwards.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants.models import District, Domain  # noqa: E402
from tenants.provisioning import (  # noqa: E402
    district_create,
    municipality_ensure,
    platform_ensure,
    template_schema_ensure,
)

RUNS = int(os.environ.get("RUNS", "10"))


def drop(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    platform_ensure()
    municipality = municipality_ensure(code="benchcity", name="基准市")
    template_schema_ensure()
    clone_times = []
    for n in range(RUNS):
        result = district_create(
            municipality=municipality,
            code=f"bench{n}",
            name=f"基准{n}区",
            admin_username="admin",
            admin_password="Bench-pass-2024",  # noqa: S106
        )
        clone_times.append(result.seconds)
    replay_times = []
    for n in range(min(RUNS, 3)):
        schema = f"bench_replay{n}"
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        replay_times.append(time.perf_counter() - started)
        drop(schema)
    for district in District.objects.filter(code__startswith="bench"):
        drop(district.schema_name)
        Domain.objects.filter(tenant=district).delete()
        district.delete()
    print(
        f"clone from template, {RUNS} districts: median {statistics.median(clone_times):.2f} s,"
        f" max {max(clone_times):.2f} s (schema, host, admin account)"
    )
    print(
        f"replay all migrations, {len(replay_times)} schemas: median"
        f" {statistics.median(replay_times):.2f} s"
    )


if __name__ == "__main__":
    main()
