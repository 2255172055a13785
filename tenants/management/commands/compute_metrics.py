import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.common.validation import ValidationFailed
from backend.metrics.periods import Period
from backend.metrics.services import history_periods, recompute_inline
from tenants.context import in_district
from tenants.models import District


class Command(BaseCommand):
    help = (
        "Compute metrics now, in this process, through the same job steps a worker runs: for "
        "every serving district (or --district), for --periods (labels such as 2026-11, 2026-Q4, "
        "2026) or else the last --months months with their quarters and years. Each district "
        "publishes its totals to the municipal table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", action="append", help="district code (repeatable)")
        parser.add_argument("--periods", nargs="*", default=None)
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            periods = (
                [Period.parse(label) for label in options["periods"]]
                if options["periods"]
                else history_periods(date.today(), months=options["months"])
            )
        except ValidationFailed as exc:
            raise CommandError(exc.errors[0].message) from exc
        districts = District.objects.serving().order_by("code")
        if options["district"]:
            districts = districts.filter(code__in=options["district"])
            missing = set(options["district"]) - set(districts.values_list("code", flat=True))
            if missing:
                raise CommandError(f"No such district: {', '.join(sorted(missing))}")
        for district in districts:
            started = time.perf_counter()
            with in_district(district):
                job = recompute_inline(periods=periods)
            self.stdout.write(
                f"{district.name} ({district.code}): {len(periods)} periods, "
                f"{job.steps_done} steps in {time.perf_counter() - started:.2f} s"
            )
