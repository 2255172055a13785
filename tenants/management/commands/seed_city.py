import re
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from backend.activities import demo as activities
from backend.activities.models import ActivityParticipation
from backend.common.validation import ValidationFailed
from backend.demo.cities import MAX_DISTRICTS, city_districts
from backend.demo.generator import SIZES
from backend.demo.member_work import IN_DISTRICT, populate_in_order
from backend.demo.ties import GRAPH, ties_counts, ties_populate
from tenants.context import in_district
from tenants.management.progress import progress_bar
from tenants.models import DISTRICT_CODE_PATTERN, District
from tenants.seeding import (
    ADMIN_USERNAME,
    DEFAULT_PASSWORD,
    city_ensure,
    district_counts,
    existing_district,
    generated_district_create,
)

MUNICIPALITY = ("shanghai", "上海市")


class Command(BaseCommand):
    help = (
        "Create a city of generated districts for benchmarks: <prefix>01 … <prefix>NN in 上海市, "
        "each with an admin and a SIZE district's orgs, units and members (seed SEED + number). "
        "Idempotent: districts that already exist are left alone, except that the first "
        "--metric-inputs districts get the metrics' inputs if they do not have them yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--districts", type=int, default=16, help="how many (at most 99)")
        parser.add_argument("--seed", type=int, default=2024, help="district NN gets SEED + NN")
        parser.add_argument("--prefix", default="d", help="district codes are <prefix>01 …")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every district's {ADMIN_USERNAME} (default {DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--metric-inputs",
            type=int,
            default=0,
            help="the first N districts also get what the metrics count: the member work "
            "(in-service reports, mobile groups, re-employment, positions, instructors, "
            "transfers) and a year of activities (~10 participations per member)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size, count, prefix = SIZES[options["size"]], options["districts"], options["prefix"]
        if not 1 <= count <= min(99, MAX_DISTRICTS):
            raise CommandError(f"--districts must be between 1 and {min(99, MAX_DISTRICTS)}.")
        if not re.fullmatch(DISTRICT_CODE_PATTERN, f"{prefix}01"):
            raise CommandError(f"--prefix {prefix!r} does not make valid district codes.")
        started, created = time.perf_counter(), 0
        municipality = city_ensure(code=MUNICIPALITY[0], name=MUNICIPALITY[1])
        for number, (name, region) in enumerate(city_districts(count), start=1):
            code = f"{prefix}{number:02d}"
            existing = existing_district(code)
            if existing is not None:
                counts = district_counts(existing)
                self.stdout.write(
                    f"{existing.name} ({code}) already exists, left unchanged: {counts.orgs} "
                    f"orgs, {counts.units} units, {counts.members} members"
                )
                if number <= options["metric_inputs"]:
                    self._metric_inputs(existing, code, options["seed"] + number)
                continue
            district_started = time.perf_counter()
            try:
                with (
                    transaction.atomic(),
                    progress_bar(f"{code} {name}", enabled=options["verbosity"] > 0) as progress,
                ):
                    made = generated_district_create(
                        municipality=municipality,
                        code=code,
                        name=name,
                        region_code=region,
                        seed=options["seed"] + number,
                        size=size,
                        admin_password=options["password"],
                        progress=progress,
                    )
                    ties_started = time.perf_counter()
                    # The councils and pairs of the co-building graph the benchmark measures.
                    with in_district(made.provisioned.district):
                        ties = ties_populate(seed=options["seed"] + number, modules=GRAPH)
                        alive = ties_counts()
                    ties_seconds = time.perf_counter() - ties_started
            except ValidationFailed as exc:
                errors = "\n".join(f"{e.field}: {e.message}" for e in exc.errors)
                raise CommandError(f"{code}: {errors}") from exc
            created += 1
            report = made.report
            self.stdout.write(
                self.style.SUCCESS(f"{name} ({code}) created")
                + f" at {made.provisioned.host}: {report.orgs} orgs, {report.units} units, "
                f"{report.members} members in {time.perf_counter() - district_started:.1f} s "
                f"(provisioning {made.provisioned.seconds:.1f} s, planning "
                f"{report.planning_seconds:.1f} s, insert {report.insert_seconds:.1f} s)"
            )
            self.stdout.write(
                f"    co-building graph in {ties_seconds:.1f} s: "
                + ", ".join(f"{count:,} {label}" for label, count in alive.items())
                + f" ({sum(ties.values()):,} rows)"
            )
            if number <= options["metric_inputs"]:
                self._metric_inputs(made.provisioned.district, code, options["seed"] + number)
        self.stdout.write(
            f"{created} of {count} districts created in {time.perf_counter() - started:.1f} s."
        )

    def _metric_inputs(self, district: District, code: str, seed: int) -> None:
        """The metrics' inputs, in one transaction of their own (a district keeps its orgs and
        members if this fails, and a rerun fills them in); skipped when the activities, written
        last, are there. Each app's populator is timed."""
        today = date.today()
        with in_district(district):
            if ActivityParticipation.objects.exists():
                return
            started = time.perf_counter()
            created: dict[str, int] = {}
            seconds: dict[str, float] = {}
            with transaction.atomic():
                # The member work's order, then the activities (as seed_demo does).
                for module in (*IN_DISTRICT, activities):
                    began = time.perf_counter()
                    created.update(populate_in_order((module,), seed=seed, today=today))
                    seconds[module.__name__.split(".")[1]] = time.perf_counter() - began
        slowest = sorted(seconds.items(), key=lambda item: -item[1])[:4]
        self.stdout.write(
            f"    {code} metric inputs in {time.perf_counter() - started:.1f} s ("
            + ", ".join(f"{app} {s:.1f} s" for app, s in slowest)
            + "): "
            + ", ".join(f"{count:,} {label}" for label, count in created.items() if count)
        )
