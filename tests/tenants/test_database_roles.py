"""The application role (tenants.database_roles): after `secure_schemas` it reads and writes rows,
adds audit entries and purges expired ones, but cannot update, truncate or delete young entries,
nor drop, disable or replace the guards; and `secure_schemas` refuses a role that could.

In-process, each test in a transaction that pytest-django rolls back: the roles created here
(CREATE ROLE is transactional), the grants and the ownership changes disappear with it. The
checks run as the application role through SET ROLE in that same transaction, because a second
connection would not see the uncommitted grants."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from backend.audit.models import AuditEntry
from backend.audit.purge import purge_expired
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from tenants.context import in_district
from tenants.database_roles import (
    AUDIT_GUARD_FUNCTION,
    AUDIT_TABLE,
    UnsafeApplicationRole,
    all_schemas,
    secure_schemas,
)
from tenants.models import Municipality
from tenants.provisioning import district_create

pytestmark = pytest.mark.django_db

AUDIT = "district_alpha.audit_auditentry"
ORGS = "district_alpha.orgs_partyorg"
INSUFFICIENT_PRIVILEGE = "42501"
NOT_FUNCTION_OWNER = re.compile(r"must be owner of function (district_alpha\.)?audit_entry_guard")


def _sql(statement: sql.Composable | str, params: list[Any] | None = None) -> list[tuple]:
    text = statement if isinstance(statement, str) else statement.as_string(connection.connection)
    with connection.cursor() as cursor:
        cursor.execute(text, params or [])
        return cursor.fetchall() if cursor.description else []


def _new_role(prefix: str, options: str = "NOLOGIN") -> str:
    name = f"{prefix}_{secrets.token_hex(4)}"
    _sql(sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(name)))
    return name


@pytest.fixture
def app_role() -> str:
    return _new_role("dj_app", "LOGIN NOSUPERUSER NOBYPASSRLS")


@pytest.fixture
def audit_owner() -> str:
    # A fresh name per test: also shows secure_schemas creates the owner when it is missing.
    return f"dj_audit_{secrets.token_hex(4)}"


@pytest.fixture
def secured(app_role: str, audit_owner: str) -> str:
    """The app role after secure_schemas, starting from the worst case: it owned alpha's audit
    table and guard function (as when one role ran migrations and served requests)."""
    role = sql.Identifier(app_role)
    _sql(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.SQL(AUDIT), role))
    _sql(sql.SQL("ALTER FUNCTION district_alpha.audit_entry_guard() OWNER TO {}").format(role))
    secure_schemas(app_role=app_role, audit_owner=audit_owner)
    return app_role


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    _sql(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
    try:
        yield
    finally:
        _sql("RESET ROLE")


def _refused(statement: str, params: list[Any] | None = None) -> str:
    """Run `statement` in a savepoint; assert PostgreSQL refused it for lack of privilege."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        _sql(statement, params)
    assert getattr(raised.value.__cause__, "sqlstate", None) == INSUFFICIENT_PRIVILEGE, raised.value
    return str(raised.value)


def _insert_entry(days_old: int = 0) -> int:
    rows = _sql(
        f"INSERT INTO {AUDIT} (occurred_at, action, result, actor_username, user_agent,"  # noqa: S608
        " target_type, changes, detail, reason)"
        " VALUES (now() - make_interval(days => %s), 'test.roles', 'ok', '', '', '', '{}', '{}', '')"
        " RETURNING id",
        [days_old],
    )
    return int(rows[0][0])


def _owner(kind: str, name: str) -> str:
    regtype = {"table": "regclass", "function": "regprocedure"}[kind]
    catalog, column = {"table": ("pg_class", "relowner"), "function": ("pg_proc", "proowner")}[kind]
    return str(
        _sql(
            f"SELECT pg_get_userbyid({column}) FROM {catalog} WHERE oid = %s::{regtype}",  # noqa: S608
            [name],
        )[0][0]
    )


def test_the_audit_table_name_is_the_models() -> None:
    assert AuditEntry._meta.db_table == AUDIT_TABLE


# --- what the application role can do ------------------------------------------------------


def test_the_app_role_is_no_superuser_and_does_not_bypass_rls(secured: str) -> None:
    with acting_as(secured):
        assert _sql("SELECT current_user")[0][0] == secured
        assert _sql("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
            (False, False)
        ]


def test_the_app_role_reads_and_writes_district_rows(secured: str) -> None:
    with acting_as(secured), in_district("alpha"):
        root = PartyOrg.objects.get(kind="district_committee")  # the seeded tree
        org = org_create(
            code="roles", name="角色测试街道党工委", kind="street_working_committee", parent=root
        )
        PartyOrg.objects.filter(pk=org.pk).update(name="角色测试街道党工委（改）")
        assert PartyOrg.objects.get(pk=org.pk).name == "角色测试街道党工委（改）"
        PartyOrg.objects.filter(pk=org.pk).delete()
        assert not PartyOrg.objects.filter(pk=org.pk).exists()
        entry = AuditEntry.objects.create(action="test.roles", result="ok")
        assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_app_role_adds_audit_entries_and_purges_expired_ones(secured: str) -> None:
    with acting_as(secured):
        fresh, expired = _insert_entry(), _insert_entry(days_old=400)
        with in_district("alpha"):
            assert purge_expired(retention_days=365) >= 1
        left = {row[0] for row in _sql(f"SELECT id FROM {AUDIT} WHERE action = 'test.roles'")}  # noqa: S608
    assert fresh in left
    assert expired not in left


def test_the_app_role_cannot_update_truncate_or_delete_young_audit_entries(secured: str) -> None:
    with acting_as(secured):
        entry = _insert_entry()
        # Privileges: the app role holds no UPDATE or TRUNCATE on the table.
        forge = f"UPDATE {AUDIT} SET action = 'forged' WHERE id = %s"  # noqa: S608
        assert "permission denied for table audit_auditentry" in _refused(forge, [entry])
        assert "permission denied for table audit_auditentry" in _refused(f"TRUNCATE {AUDIT}")
        # DELETE is granted for the purge; the trigger, which it cannot remove, keeps young rows.
        assert "younger than 184 days" in _refused(f"DELETE FROM {AUDIT} WHERE id = %s", [entry])  # noqa: S608
        assert _sql(f"SELECT action FROM {AUDIT} WHERE id = %s", [entry]) == [("test.roles",)]  # noqa: S608


def test_the_app_role_cannot_remove_or_disable_the_guards(secured: str) -> None:
    with acting_as(secured):
        for statement in (
            f"DROP TRIGGER audit_entry_keep_recent ON {AUDIT}",
            f"ALTER TABLE {AUDIT} DISABLE TRIGGER audit_entry_no_update",
            f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL",
            f"ALTER TABLE {AUDIT} OWNER TO {secured}",
            f"DROP TABLE {AUDIT}",
            f"CREATE TRIGGER sneak BEFORE INSERT ON {AUDIT}"
            " FOR EACH ROW EXECUTE FUNCTION district_alpha.audit_entry_guard()",
        ):
            message = _refused(statement)
            assert re.search(
                r"must be owner of (table|relation) audit_auditentry"
                r"|permission denied for table audit_auditentry",
                message,
            ), message


REPLACE_GUARD = """
CREATE OR REPLACE FUNCTION district_alpha.audit_entry_guard() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$
"""


def test_the_app_role_cannot_replace_or_drop_the_guard_function(secured: str) -> None:
    with acting_as(secured):
        assert "permission denied for schema district_alpha" in _refused(REPLACE_GUARD)
    # Even with CREATE on the schema, the function is not its own.
    _sql(sql.SQL("GRANT CREATE ON SCHEMA district_alpha TO {}").format(sql.Identifier(secured)))
    with acting_as(secured):
        for statement in (
            REPLACE_GUARD,
            "DROP FUNCTION district_alpha.audit_entry_guard()",
            f"ALTER FUNCTION district_alpha.audit_entry_guard() OWNER TO {secured}",
        ):
            message = _refused(statement)
            assert NOT_FUNCTION_OWNER.search(message), message


# --- what secure_schemas does --------------------------------------------------------------


def test_every_schema_audit_table_sequence_and_guard_belong_to_the_audit_owner(
    app_role: str, audit_owner: str
) -> None:
    schemas = secure_schemas(app_role=app_role, audit_owner=audit_owner)
    assert {"public", "district_template", "district_alpha", "district_beta"} <= set(schemas)
    assert schemas == all_schemas()
    assert _sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [audit_owner]) == [(False,)]
    for schema in schemas:
        table = f"{schema}.{AUDIT_TABLE}"
        assert _owner("table", table) == audit_owner
        assert _owner("function", f"{schema}.{AUDIT_GUARD_FUNCTION}()") == audit_owner
        (sequence,) = _sql("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
        assert _owner("table", sequence) == audit_owner
        assert _sql(
            "SELECT has_table_privilege(%s, %s, 'SELECT'), has_table_privilege(%s, %s, 'INSERT'),"
            " has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'TRUNCATE'),"
            " has_table_privilege(%s, %s, 'TRIGGER')",
            [app_role, table] * 5,
        ) == [(True, True, False, False, False)]


def test_secure_schemas_is_idempotent(app_role: str, audit_owner: str) -> None:
    def state() -> list[tuple]:
        return _sql(
            "SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner), c.relacl::text"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'district_alpha' ORDER BY 1, 2"
        )

    secure_schemas(app_role=app_role, audit_owner=audit_owner)
    first = state()
    secure_schemas(app_role=app_role, audit_owner=audit_owner)
    assert state() == first


def test_refuses_a_superuser_app_role(audit_owner: str) -> None:
    with pytest.raises(UnsafeApplicationRole, match="superuser"):
        secure_schemas(app_role="postgres", audit_owner=audit_owner)


def test_refuses_an_app_role_that_bypasses_rls(audit_owner: str) -> None:
    role = _new_role("dj_bypass", "LOGIN NOSUPERUSER BYPASSRLS")
    with pytest.raises(UnsafeApplicationRole, match="row-level security"):
        secure_schemas(app_role=role, audit_owner=audit_owner)


def test_refuses_a_member_of_the_audit_owner_and_changes_nothing(app_role: str) -> None:
    owner = _new_role("dj_audit")
    _sql(sql.SQL("GRANT {} TO {}").format(sql.Identifier(owner), sql.Identifier(app_role)))
    before = _owner("table", AUDIT)
    with pytest.raises(UnsafeApplicationRole, match="member"):
        secure_schemas(app_role=app_role, audit_owner=owner)
    assert _owner("table", AUDIT) == before != owner


def test_refuses_an_app_role_that_owns_a_schema(app_role: str, audit_owner: str) -> None:
    # A schema's owner may drop it with everything in it.
    _sql(sql.SQL("ALTER SCHEMA district_beta OWNER TO {}").format(sql.Identifier(app_role)))
    with pytest.raises(UnsafeApplicationRole, match="owns schemas district_beta"):
        secure_schemas(app_role=app_role, audit_owner=audit_owner)


def test_refuses_a_missing_role(audit_owner: str) -> None:
    with pytest.raises(UnsafeApplicationRole, match="does not exist"):
        secure_schemas(app_role=f"dj_nobody_{secrets.token_hex(4)}", audit_owner=audit_owner)


def test_the_command_secures_and_reports_refusals(app_role: str, audit_owner: str) -> None:
    call_command("secure_database", app_role=app_role, audit_owner=audit_owner)
    assert _owner("table", AUDIT) == audit_owner
    with pytest.raises(CommandError, match="superuser"):
        call_command("secure_database", app_role="postgres", audit_owner=audit_owner)


# --- provisioning --------------------------------------------------------------------------


def test_a_new_district_is_secured_when_an_app_role_is_configured(
    secured: str, settings: Any
) -> None:
    settings.DATABASE_APP_ROLE = secured
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="gamma",
        name="伽马区",
        admin_username="chief",
        admin_password="Another-pass-2024",
    )
    assert _owner("table", f"district_gamma.{AUDIT_TABLE}") == "dangjian_audit"
    with acting_as(secured), in_district("gamma"):
        entry = AuditEntry.objects.create(action="test.roles", result="ok")
        org = org_create(code="g", name="中共伽马区委", kind="district_committee", parent=None)
        assert PartyOrg.objects.get(pk=org.pk).name == "中共伽马区委"
        assert "permission denied" in _refused(
            "UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [entry.pk]
        )


def test_provisioning_with_an_unsafe_app_role_leaves_no_district(settings: Any) -> None:
    settings.DATABASE_APP_ROLE = "postgres"
    with pytest.raises(UnsafeApplicationRole):
        district_create(
            municipality=Municipality.objects.get(code="testcity"),
            code="delta",
            name="德尔塔区",
            admin_username="chief",
            admin_password="Another-pass-2024",
        )
    assert _sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'district_delta'") == [(0,)]
