"""What the import kinds share: issues built from rows, in-file duplicates, org lookups by code
with the scope rules, and service rule errors mapped onto columns."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from backend.common.validation import FieldError
from backend.imports.spec import Column, ImportContext, ParsedRow, RowIssue
from backend.orgs.models import PartyOrg

NOT_FOUND = "NOT_FOUND"
FORBIDDEN = "FORBIDDEN"
DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE"
FORBIDDEN_ORG = "无权导入到该党组织。"
# The fields an org lookup needs: scope (path), rules (kind, end_date), snapshots (name, code).
ORG_FIELDS = ("id", "code", "name", "kind", "path", "end_date", "parent_id")


class WriteConflict(Exception):
    """The database changed between `check` and `write` (another user wrote the same rows):
    the import stops and nothing of it is committed. `message` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def columns_by_key(columns: Iterable[Column]) -> dict[str, Column]:
    return {column.key: column for column in columns}


def issue(row: ParsedRow, column: Column | None, code: str, message: str) -> RowIssue:
    """An issue on one cell (or on the row when `column` is None), its value masked when the
    column holds personal data."""
    if column is None:
        return RowIssue(row=row.number, column="", value="", code=code, message=message)
    value = row.raw.get(column.key) or ""
    if column.personal and value:
        value = (column.mask or _keep_ends)(value)
    return RowIssue(row=row.number, column=column.header, value=value, code=code, message=message)


def _keep_ends(text: str) -> str:
    """The default mask: first and last character kept, stars between."""
    return text[0] + "*" * (len(text) - 2) + text[-1] if len(text) > 2 else "*" * len(text)


def field_issues(
    row: ParsedRow,
    errors: Iterable[FieldError],
    columns: Mapping[str, Column | None],
    already: Iterable[RowIssue] = (),
) -> list[RowIssue]:
    """A service's FieldErrors as issues, each on the column its API field stands for; a column
    that `already` has an issue (say, an org not found) gets no second one from the rules."""
    reported = {found.column for found in already if found.column}
    issues = []
    for error in errors:
        column = columns.get(error.field)
        if column is not None and column.header in reported:
            continue
        issues.append(issue(row, column, error.code, error.message))
    return issues


def first_rows(ctx: ImportContext, name: str) -> dict[Any, int]:
    """The row number where each natural key first appeared in the file, kept across batches."""
    seen: dict[Any, int] = ctx.state.setdefault(f"first_rows.{name}", {})
    return seen


def duplicate_issue(
    row: ParsedRow, column: Column | None, seen: dict[Any, int], key: Any
) -> RowIssue | None:
    """DUPLICATE_IN_FILE when `key` came earlier in the file; else remembers this row."""
    first = seen.setdefault(key, row.number)
    if first == row.number:
        return None
    return issue(row, column, DUPLICATE_IN_FILE, f"与第 {first} 行重复。")


def provided(ctx: ImportContext, row: ParsedRow, *keys: str) -> bool:
    """Whether the row says anything about these columns: a value, or an empty cell of a column
    the file has (which clears the stored value)."""
    if any(row.values.get(key) is not None for key in keys):
        return True
    return ctx.file_columns is not None and any(key in ctx.file_columns for key in keys)


# ---------------------------------------------------------------------------- orgs by code


def orgs_by_code(ctx: ImportContext, codes: Iterable[str | None]) -> dict[str, PartyOrg]:
    """The orgs with these codes (all of them, whatever the user's scope: callers apply it),
    remembered for the rest of the import, so each code is looked up once per file."""
    cache: dict[str, PartyOrg | None] = ctx.state.setdefault("orgs_by_code", {})
    missing = {code for code in codes if code and code not in cache}
    if missing:
        found = {
            org.code: org for org in PartyOrg.objects.filter(code__in=missing).only(*ORG_FIELDS)
        }
        for code in missing:
            cache[code] = found.get(code)
    return {code: org for code, org in cache.items() if org is not None}


def org_issue(
    ctx: ImportContext, row: ParsedRow, column: Column, org: PartyOrg | None, *, write: bool
) -> RowIssue | None:
    """Scope of an org a row names: NOT_FOUND when it does not exist or the user cannot see it
    (both read the same, so nothing leaks), FORBIDDEN when `write` is needed and the user only
    reads it."""
    if org is None or not ctx.access.can_read(org.path):
        return issue(row, column, NOT_FOUND, "未找到该代码的党组织。")
    if write and not ctx.access.can_write(org.path):
        return issue(row, column, FORBIDDEN, FORBIDDEN_ORG)
    return None


def batch_values(rows: Sequence[ParsedRow], key: str) -> set[Any]:
    return {row.values[key] for row in rows if row.values.get(key) is not None}
