"""Set-based writes for the import kinds: a batch goes to PostgreSQL as one array per column
(`unnest`), so a statement has a dozen parameters whatever the batch size, and one round trip.

Table and column names come from the kinds' code, never from a file."""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from backend.imports.kinds.common import WriteConflict
from backend.imports.spec import WriteCounts

# (column, PostgreSQL type), e.g. ("joined_on", "date").
Columns = Sequence[tuple[str, str]]


def _unnest(columns: Columns, rows: Sequence[Sequence[Any]]) -> tuple[str, list[list[Any]]]:
    arrays: list[list[Any]] = [[] for _ in columns]
    for row in rows:
        for array, value in zip(arrays, row, strict=True):
            array.append(value)
    casts = ", ".join(f"%s::{kind}[]" for _, kind in columns)
    names = ", ".join(name for name, _ in columns)
    return f"unnest({casts}) AS v({names})", arrays


def insert_rows(
    table: str,
    columns: Columns,
    rows: Sequence[Sequence[Any]],
    *,
    now: Sequence[str] = (),
    conflict: str = "",
    returning: str = "id",
) -> list[tuple[Any, ...]]:
    """INSERT the rows (plus `now` columns set to now()); `conflict` is an ON CONFLICT clause.
    Returns the `returning` values of the rows inserted."""
    if not rows:
        return []
    source, arrays = _unnest(columns, rows)
    names = [name for name, _ in columns]
    sql = (
        f"INSERT INTO {table} ({', '.join([*names, *now])}) "  # noqa: S608
        f"SELECT {', '.join([*(f'v.{n}' for n in names), *('now()' for _ in now)])} "
        f"FROM {source} {conflict} RETURNING {returning}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return list(cursor.fetchall())


def update_changed(
    table: str,
    columns: Columns,
    rows: Sequence[Sequence[Any]],
    *,
    key: str = "id",
    touch: str = "updated_at",
) -> list[Any]:
    """UPDATE the rows whose values differ (the first column is the key), setting `touch` to
    now(); rows already equal are left alone. Returns the keys of the rows changed."""
    if not rows:
        return []
    source, arrays = _unnest(columns, rows)
    names = [name for name, _ in columns if name != key]
    assignments = [f"{name} = v.{name}" for name in names]
    if touch:
        assignments.append(f"{touch} = now()")
    ours = ", ".join(f"t.{name}" for name in names)
    theirs = ", ".join(f"v.{name}" for name in names)
    sql = (
        f"UPDATE {table} t SET {', '.join(assignments)} FROM {source} "  # noqa: S608
        f"WHERE t.{key} = v.{key} AND ({ours}) IS DISTINCT FROM ({theirs}) RETURNING t.{key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [found for (found,) in cursor.fetchall()]


def upsert(
    table: str,
    *,
    rows_total: int,
    new: tuple[Columns, Sequence[Sequence[Any]]],
    changed: tuple[Columns, Sequence[Sequence[Any]]],
    conflict: str,
    taken: str,
    now: Sequence[str] = ("created_at", "updated_at"),
    touch: str = "updated_at",
) -> WriteCounts:
    """A batch's write: INSERT the new rows, UPDATE the changed ones (the first column is the
    key) and count what happened. The kind's check found the new rows' natural keys free; one
    taken since (`conflict` makes the INSERT skip it) means another user wrote meanwhile, and
    the import stops with `taken` rather than write half of it."""
    created = insert_rows(table, new[0], new[1], now=now, conflict=conflict)
    if len(created) != len(new[1]):
        raise WriteConflict(taken)
    updated = update_changed(table, changed[0], changed[1], touch=touch)
    return WriteCounts(
        created=len(created),
        updated=len(updated),
        unchanged=rows_total - len(created) - len(updated),
    )


def next_ids(table: str, count: int) -> list[int]:
    """`count` ids from the table's sequence (for rows that must know their id before insert)."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [value for (value,) in cursor.fetchall()]


def fetch(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows as dicts. For a batch's lookups write `= ANY(%s)` with a list: one array parameter
    instead of the thousands of an ORM `__in`, which psycopg spends longer quoting than the
    query takes."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
