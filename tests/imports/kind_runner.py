"""Runs an import kind in process the way the pipeline does (parse cells, check each batch, write
the rows that passed), without a file: rows are dicts of template header -> cell."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backend.access.scopes import Access
from backend.imports.spec import (
    CellInvalid,
    ImportContext,
    ImportKind,
    ParsedRow,
    RowIssue,
    WriteCounts,
)
from backend.imports.values import cell_text

ADMIN = Access(read_paths=None, write_paths=None, unmask_paths=None)


@dataclass
class Outcome:
    issues: list[RowIssue] = field(default_factory=list)
    counts: WriteCounts = field(default_factory=WriteCounts)

    def codes(self) -> set[tuple[int, str, str]]:
        """(row, column header, code) of every issue."""
        return {(i.row, i.column, i.code) for i in self.issues}

    def by_row(self, row: int) -> list[RowIssue]:
        return [i for i in self.issues if i.row == row]


def context(
    access: Access = ADMIN,
    *,
    today: date | None = None,
    file_columns: Iterable[str] | None = None,
    dry_run: bool = False,
) -> ImportContext:
    return ImportContext(
        access=access,
        user_id=None,
        today=today or date.today(),
        dry_run=dry_run,
        file_columns=frozenset(file_columns) if file_columns is not None else None,
    )


def parse_row(
    kind: ImportKind, number: int, cells: Mapping[str, Any]
) -> tuple[ParsedRow, list[RowIssue]]:
    """A row as the pipeline parses it: every column by its header (absent -> None)."""
    known = {column.header for column in kind.columns}
    unknown = set(cells) - known
    assert not unknown, f"not headers of {kind.code}: {unknown}"
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}
    issues: list[RowIssue] = []
    for column in kind.columns:
        cell = cells.get(column.header)
        if cell is not None and cell_text(cell) == "":
            cell = None
        values[column.key] = None
        if cell is None:
            if column.required:
                issues.append(RowIssue(number, column.header, "", "REQUIRED", "必填。"))
            continue
        raw[column.key] = cell_text(cell)
        try:
            values[column.key] = column.parse(cell)
        except CellInvalid as exc:
            shown = raw[column.key]
            if column.personal:
                shown = column.mask(shown) if column.mask else "*" * len(shown)
            issues.append(RowIssue(number, column.header, shown, exc.code, exc.message))
    return ParsedRow(number=number, values=values, raw=raw), issues


def run(
    kind: ImportKind,
    rows: Iterable[Mapping[str, Any]],
    ctx: ImportContext | None = None,
    *,
    write: bool = True,
    first_row: int = 2,
) -> Outcome:
    """Check every batch, then write the rows without issues (SKIP_BAD_ROWS), unless `write`
    is False (a dry run)."""
    ctx = ctx or context()
    outcome = Outcome()
    batch: list[ParsedRow] = []

    def flush() -> None:
        if not batch:
            return
        found = kind.check(batch, ctx)
        outcome.issues.extend(found)
        bad = {i.row for i in found}
        good = [row for row in batch if row.number not in bad]
        if write and good:
            outcome.counts += kind.write(good, ctx)
        batch.clear()

    for number, cells in enumerate(rows, start=first_row):
        parsed, cell_issues = parse_row(kind, number, cells)
        if cell_issues:
            outcome.issues.extend(cell_issues)
            continue
        batch.append(parsed)
        if len(batch) >= kind.batch_size:
            flush()
    flush()
    return outcome
