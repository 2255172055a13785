"""What an import kind declares, and what the pipeline hands it.

An import kind (backend/imports/kinds/*.py) is a set of columns plus two functions: `check`, which
finds what is wrong with a batch of parsed rows (read-only: database lookups, scope, duplicates
in the file), and `write`, which upserts the rows that passed. The pipeline (backend.imports.run)
reads the file, matches headers to columns, parses each cell with its column's `parse`, and calls
`check` then `write` batch by batch inside one transaction."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from backend.access.scopes import Access

# What a cell holds after reading: text (stripped, never ""), a number or a date/datetime from an
# xlsx cell, or None when empty.
Cell = str | int | float | date | None


class CellInvalid(Exception):
    """A cell's value cannot be used. `message` is Chinese and never repeats a personal value."""

    def __init__(self, message: str, code: str = "INVALID") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Column:
    key: str  # the parsed value's name, e.g. "id_number"
    header: str  # the template's header, e.g. "公民身份号码"
    parse: Callable[[Cell], Any]  # raises CellInvalid; not called for an empty cell
    required: bool = False
    synonyms: tuple[str, ...] = ()  # other headers people use, e.g. ("身份证号", "身份证号码")
    personal: bool = False  # the value is masked wherever it is reported
    mask: Callable[[str], str] | None = None  # how, when personal (default: keep 1+1 characters)
    choices: tuple[str, ...] = ()  # the drop-down list of the template
    comment: str = ""  # the header's comment in the template (format, example)
    width: int = 16  # the template's column width, in characters


@dataclass(frozen=True)
class RowIssue:
    """One thing wrong with one row. `column` is the column's template header, "" for the row."""

    row: int  # the row number the user sees in Excel (the header row is 1 when it is the first)
    column: str
    value: str  # as written in the file, masked when the column is personal
    code: str  # REQUIRED, INVALID, DUPLICATE_IN_FILE, NOT_FOUND, FORBIDDEN, …
    message: str  # Chinese


@dataclass
class ParsedRow:
    number: int  # as RowIssue.row
    values: dict[str, Any]  # by column key; a column absent from the file or empty is None
    raw: dict[str, str]  # by column key, the cell as text, for reports (not yet masked)


@dataclass
class ImportContext:
    """One import run. `state` lets a kind remember across batches (e.g. the ID numbers already
    seen in the file, or the orgs it looked up)."""

    access: Access
    user_id: int | None
    today: date
    dry_run: bool
    state: dict[str, Any] = field(default_factory=dict)
    # The keys of the columns the file has (RowSource.columns). An empty cell of a column the
    # file has clears an optional stored value; a column it lacks keeps it. None: not known, so
    # empty cells keep stored values too.
    file_columns: frozenset[str] | None = None


@dataclass(frozen=True)
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: "WriteCounts") -> "WriteCounts":
        return WriteCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


class ImportKind(Protocol):
    code: str  # "members", "units", "orgs", "participation"
    label: str  # "党员名册"
    columns: tuple[Column, ...]
    batch_size: int  # rows per check/write call; the orgs kind takes the whole file at once

    def check(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> list[RowIssue]:
        """Everything wrong with these rows beyond single cells, without writing. Rows that got
        a cell issue from the pipeline are not passed in."""
        ...

    def write(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> WriteCounts:
        """Upsert rows that passed `check`, by the kind's natural key."""
        ...
