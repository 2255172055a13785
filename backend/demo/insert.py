"""Writing a district plan into the current schema with PostgreSQL COPY.

The rows are the ones `bulk_create` would insert: every concrete column except generated ones
(PartyOrg.depth), each value prepared by its field (`get_db_prep_save`), foreign keys taken from
the related objects, and the auto_now / auto_now_add timestamps set — to one `now` for the whole
district, as PostgreSQL's own now() would be within the one transaction, except for a creation time
the plan chose itself (the units' backdated created_at). Primary keys are drawn from
each table's sequence first, so that the orgs' ltree paths and the foreign keys of units and members
are known before their rows are written.

Call it inside the caller's transaction: the rows are committed (or rolled back) with it. The
deferred foreign-key checks run before it returns, so a broken reference fails here, not at commit.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from backend.demo.plan import DistrictPlan
from backend.demo.sizes import Progress
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.units.models import Unit

M = TypeVar("M", bound=Model)
# How many rows go by between two progress reports.
REPORT_EVERY = 5000


def insert_plan(plan: DistrictPlan, progress: Progress | None = None) -> None:
    """COPY the plan's orgs, then units, then members (each referring only to rows before it)."""
    now = timezone.now()
    orgs = plan.orgs
    _allocate_ids(PartyOrg, orgs)
    for org in orgs:  # parents come before their children
        org.path = f"{org.parent.path}.{org.pk}" if org.parent else str(org.pk)
    units = [unit_plan.unit for unit_plan in plan.units]
    _allocate_ids(Unit, units)
    _allocate_ids(Member, plan.members)
    for stage, model, rows in (
        ("copying orgs", PartyOrg, orgs),
        ("copying units", Unit, units),
        ("copying members", Member, plan.members),
    ):
        _copy(model, rows, now=now, stage=stage, progress=progress)
    connection.check_constraints()  # the deferred foreign keys, now rather than at commit
    # Planner statistics now, not whenever autovacuum comes by: without them the first queries
    # on 100,000 fresh rows are planned blind (a seq scan where an index is right).
    with connection.cursor() as cursor:
        for model in (PartyOrg, Unit, Member):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _allocate_ids(model: type[M], objs: Sequence[M]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(objs)],
        )
        ids = sorted(int(row[0]) for row in cursor.fetchall())
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk


def _copy(
    model: type[M],
    objs: Sequence[M],
    *,
    now: datetime,
    stage: str,
    progress: Progress | None,
) -> None:
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    database = connections[DEFAULT_DB_ALIAS]  # not the `connection` proxy, for every value
    values = [_value_of(field, now, database) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)  # concrete: never None
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    total = len(objs)
    if progress:
        progress(stage, 0, total)
    # The queued writer hands the data to libpq in a thread while Python prepares the next rows.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor)) as copy,
    ):
        for done, obj in enumerate(objs, start=1):
            copy.write_row([value(obj) for value in values])
            if progress and (done % REPORT_EVERY == 0 or done == total):
                progress(stage, done, total)


def _value_of(field: Any, now: datetime, database: BaseDatabaseWrapper) -> Callable[[Model], Any]:
    """How to read `field`'s column value from an instance, as bulk_create would prepare it."""
    attname = field.attname
    if isinstance(field, DateField) and (field.auto_now or field.auto_now_add):
        # Unlike bulk_create, a creation time the plan set is kept (the demo backdates its units).
        keep_planned = field.auto_now_add

        def timestamp(obj: Model) -> Any:
            planned = getattr(obj, attname) if keep_planned else None
            if planned is not None:
                return field.get_db_prep_save(planned, database)
            setattr(obj, attname, now)
            return now

        return timestamp
    if isinstance(field, ForeignKey):

        def foreign_key(obj: Model) -> Any:
            # Assigned before the related row had a pk: read it from the related object now.
            related = getattr(obj, field.name)
            if related is None:
                return None
            if related.pk is None:
                raise ValueError(f"{obj!r}.{field.name} refers to an unsaved {related!r}")
            return related.pk

        return foreign_key
    # Values that `get_db_prep_save` returns unchanged skip the call (it is most of the time):
    # CharField keeps any str (and None), IntegerField int()s an int, DateField adapts a date to
    # itself.
    if isinstance(field, CharField | TextField):

        def text(obj: Model) -> Any:
            value = getattr(obj, attname)
            if value is None or isinstance(value, str):
                return value
            return field.get_db_prep_save(value, database)

        return text
    kept: type | None = None
    if isinstance(field, IntegerField):
        kept = int
    elif isinstance(field, DateField) and not isinstance(field, DateTimeField):
        kept = date

    def prepared(obj: Model) -> Any:
        value = getattr(obj, attname)
        return value if type(value) is kept else field.get_db_prep_save(value, database)

    return prepared
