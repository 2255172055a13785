from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.imports.samples import SPOILERS, member_org_codes, roster_rows, write_csv, write_xlsx
from tenants.context import in_district
from tenants.models import District


class Command(BaseCommand):
    help = (
        "Write a generated roster of Party members (党员名册) for importing into --district: "
        "--rows rows whose org codes are that district's, --spoil of them wrong in one field "
        "each (README, 'Imports and exports'). The format follows --out's suffix (.xlsx or .csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="district code")
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--spoil", type=int, default=len(SPOILERS))
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.suffix not in (".xlsx", ".csv"):
            raise CommandError("--out must end in .xlsx or .csv")
        district = District.objects.serving().filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"No such district: {options['district']}")
        with in_district(district):
            codes = member_org_codes()
        if not codes:
            raise CommandError(f"{district.name} has no org that can hold members yet.")
        rows = roster_rows(
            codes, rows=options["rows"], seed=options["seed"], spoil=options["spoil"]
        )
        if out.suffix == ".xlsx":
            write_xlsx(out, rows)
        else:
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                write_csv(handle, rows)
        self.stdout.write(
            f"{out}: {options['rows']} rows for {district.name}, {options['spoil']} spoiled"
        )
