"""The audit table as PostgreSQL keeps it: no UPDATE, no TRUNCATE, no DELETE of an entry younger
than 184 days, whoever sends the SQL; the purge; the triggers in every schema, new districts
included; where entries get their client address; masking; refused and failed service calls.

In-process, each test in a transaction that pytest-django rolls back."""

import os
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, override_settings

from backend.audit.changes import Masked, field_changes, scrub
from backend.audit.context import request_context
from backend.audit.models import AuditEntry
from backend.audit.services import audit_record, audit_unmask, client_ip
from backend.audit.tasks import purge_expired_entries, purge_expired_entries_everywhere
from backend.common.validation import ValidationFailed
from backend.members.id_numbers import make_id_number
from backend.orgs import services as org_services
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "audit_entry_no_update": "UPDATE",
    "audit_entry_no_truncate": "TRUNCATE",
    "audit_entry_keep_recent": "DELETE",
}
AGES = (1, 100, 183, 190, 250, 400)  # days


def _entry(days_old: int = 0, action: str = "test.storage") -> int:
    """An entry `days_old` days old by the database's clock, in the current schema. Backdated
    when it is inserted: an INSERT may say when; nothing may change it afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (occurred_at, action, result, actor_username,"
            " user_agent, target_type, changes, detail, reason)"
            " VALUES (now() - make_interval(days => %s), %s, 'ok', '', '', '', '{}', '{}', '')"
            " RETURNING id",
            [days_old, action],
        )
        return int(cursor.fetchone()[0])


def _refused(sql: str, params: list[Any] | None = None) -> str:
    """Run `sql` in a savepoint; return the database's refusal message."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params or [])
    return str(raised.value)


def _ages_left(action: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT round(extract(epoch FROM now() - occurred_at) / 86400)::int"
            " FROM audit_auditentry WHERE action = %s ORDER BY occurred_at DESC",
            [action],
        )
        return [int(row[0]) for row in cursor.fetchall()]


# --- the database refuses -----------------------------------------------------------------


def test_update_is_refused_even_in_raw_sql(in_alpha: None) -> None:
    entry_id = _entry()
    message = _refused(
        "UPDATE audit_auditentry SET action = 'forged', result = 'ok' WHERE id = %s", [entry_id]
    )
    assert "audit entries cannot be changed" in message
    # Statement-level: even an UPDATE that matches no row, and one of an old row, is refused.
    assert "cannot be changed" in _refused("UPDATE audit_auditentry SET reason = '' WHERE false")
    old_id = _entry(days_old=400)
    assert "cannot be changed" in _refused(
        "UPDATE audit_auditentry SET occurred_at = now() WHERE id = %s", [old_id]
    )
    assert AuditEntry.objects.get(pk=entry_id).action == "test.storage"


def test_orm_update_is_refused_too(in_alpha: None) -> None:
    entry_id = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry_id).update(action="forged")
    entry = AuditEntry.objects.get(pk=entry_id)
    entry.reason = "rewritten"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry_id).reason == ""


def test_delete_of_a_recent_entry_is_refused_even_in_raw_sql(in_alpha: None) -> None:
    recent = [_entry(), _entry(days_old=1), _entry(days_old=183)]
    for entry_id in recent:
        message = _refused("DELETE FROM audit_auditentry WHERE id = %s", [entry_id])
        assert "younger than 184 days" in message
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk__in=recent).delete()
    # One recent row in the statement refuses the whole statement.
    old = _entry(days_old=300)
    assert "younger than 184 days" in _refused(
        "DELETE FROM audit_auditentry WHERE id = ANY(%s)", [[old, recent[0]]]
    )
    assert AuditEntry.objects.filter(pk__in=[*recent, old]).count() == 4


def test_delete_of_an_entry_older_than_184_days_is_allowed(in_alpha: None) -> None:
    old = _entry(days_old=185)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [old])
        assert cursor.rowcount == 1


def test_truncate_is_refused(in_alpha: None) -> None:
    _entry()
    assert "cannot be changed (TRUNCATE)" in _refused("TRUNCATE audit_auditentry")
    assert "cannot be changed (TRUNCATE)" in _refused("TRUNCATE audit_auditentry CASCADE")
    assert AuditEntry.objects.exists()


def _triggers(schema: str) -> dict[str, str]:
    """{trigger name: schema of the function it calls} on schema.audit_auditentry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, fn.nspname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_proc p ON p.oid = t.tgfoid"
            " JOIN pg_namespace fn ON fn.oid = p.pronamespace"
            " WHERE n.nspname = %s AND c.relname = 'audit_auditentry' AND NOT t.tgisinternal",
            [schema],
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize(
    "schema", ["public", settings.DISTRICT_TEMPLATE_SCHEMA, "district_alpha", "district_beta"]
)
def test_every_schema_has_its_own_guard(schema: str) -> None:
    assert _triggers(schema) == dict.fromkeys(TRIGGERS, schema)


def test_a_new_district_cloned_from_the_template_carries_the_triggers() -> None:
    """django-tenants' clone_schema copies the guard function and the triggers; the clone's
    triggers call the clone's own function, not the template's."""
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="auditclone",
        name="审计克隆区",
        admin_username="chief",
        admin_password="Another-pass-2024",
    )
    assert _triggers("district_auditclone") == dict.fromkeys(TRIGGERS, "district_auditclone")
    with in_district("auditclone"):
        # Provisioning itself is on record in the new district.
        created = AuditEntry.objects.get(action="user.create")
        assert created.changes["username"] == [None, "chief"]
        assert "cannot be changed" in _refused(
            "UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [created.pk]
        )
        assert "younger than 184 days" in _refused(
            "DELETE FROM audit_auditentry WHERE id = %s", [created.pk]
        )
        assert "TRUNCATE" in _refused("TRUNCATE audit_auditentry")
        old = _entry(days_old=200)
        assert AuditEntry.objects.filter(pk=old).delete()[0] == 1


# --- the purge ----------------------------------------------------------------------------


@pytest.fixture
def aged_entries(in_alpha: None) -> str:
    action = "test.purge"
    for days in AGES:
        _entry(days_old=days, action=action)
    return action


def test_purge_removes_entries_older_than_the_retention_and_keeps_newer(
    aged_entries: str,
) -> None:
    assert settings.AUDIT_RETENTION_DAYS == 184
    deleted = purge_expired_entries()
    assert deleted >= 3
    assert _ages_left(aged_entries) == [1, 100, 183]
    assert purge_expired_entries() == 0  # idempotent


def test_changing_the_retention_changes_what_the_purge_removes(aged_entries: str) -> None:
    with override_settings(AUDIT_RETENTION_DAYS=300):
        purge_expired_entries()
    assert _ages_left(aged_entries) == [1, 100, 183, 190, 250]
    with override_settings(AUDIT_RETENTION_DAYS=200):
        purge_expired_entries()
    assert _ages_left(aged_entries) == [1, 100, 183, 190]
    purge_expired_entries()
    assert _ages_left(aged_entries) == [1, 100, 183]


def test_purge_refuses_a_retention_below_184_days(aged_entries: str) -> None:
    with override_settings(AUDIT_RETENTION_DAYS=30), pytest.raises(ImproperlyConfigured):
        purge_expired_entries()
    assert _ages_left(aged_entries) == sorted(AGES)


def test_purge_task_runs_in_the_schema_it_is_stamped_with(in_alpha: None) -> None:
    """tenant-schemas-celery: a purge sent for alpha purges alpha only."""
    alpha_old = _entry(days_old=300, action="test.stamped")
    with in_district("beta"):
        beta_old = _entry(days_old=300, action="test.stamped")
    with in_district("beta"):
        result = purge_expired_entries.apply(headers={"_schema_name": "district_alpha"})
        assert result.successful(), result.traceback
        assert AuditEntry.objects.filter(pk=beta_old).exists()
    assert not AuditEntry.objects.filter(pk=alpha_old).exists()


def test_the_dispatcher_runs_on_the_platform_only(in_alpha: None) -> None:
    from tenants.tasks import NoDistrictError

    with pytest.raises(NoDistrictError):
        purge_expired_entries_everywhere()


def test_the_nightly_dispatcher_sends_one_purge_per_district_and_public(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(
        purge_expired_entries,
        "apply_async",
        lambda *args, headers=None, **kwargs: sent.append(headers["_schema_name"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        schemas = purge_expired_entries_everywhere()
    assert sorted(sent) == sorted(schemas)
    assert {"public", "district_alpha", "district_beta"} <= set(sent)
    assert settings.DISTRICT_TEMPLATE_SCHEMA not in sent
    beat = settings.CELERY_BEAT_SCHEDULE["audit-purge-expired-entries"]
    assert beat["task"] == purge_expired_entries_everywhere.name


def test_the_audit_tasks_are_tenant_aware() -> None:
    from tenant_schemas_celery.task import TenantTask

    from backend.config.celery import app

    audit_tasks = {name: task for name, task in app.tasks.items() if name.startswith("audit.")}
    assert set(audit_tasks) == {
        "audit.purge_expired_entries",
        "audit.purge_expired_entries_everywhere",
    }
    assert all(isinstance(task, TenantTask) for task in audit_tasks.values())
    assert audit_tasks["audit.purge_expired_entries"].schema_scope == "any"
    assert audit_tasks["audit.purge_expired_entries_everywhere"].schema_scope == "platform"


def test_startup_refuses_a_retention_below_184_days() -> None:
    env = {**os.environ, "DANGJIAN_AUDIT_RETENTION_DAYS": "183"}
    result = subprocess.run(
        [sys.executable, "-c", "import backend.config.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "at least 184" in result.stderr


# --- who and from where ---------------------------------------------------------------------


def test_client_address_is_the_peer_unless_proxies_are_trusted() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2"
    )
    assert client_ip(request) == "10.0.0.9"  # a client can send any X-Forwarded-For
    with override_settings(AUDIT_TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "198.51.100.2"
    with override_settings(AUDIT_TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "203.0.113.7"
    with override_settings(AUDIT_TRUSTED_PROXY_COUNT=3):
        assert client_ip(request) == "10.0.0.9"  # fewer hops than proxies: not believed
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="nonsense")
    with override_settings(AUDIT_TRUSTED_PROXY_COUNT=1):
        assert client_ip(garbage) is None


def test_entry_takes_who_and_where_from_the_current_request(in_alpha: None) -> None:
    from backend.accounts.models import User

    admin = User.objects.get(username="admin")
    request = RequestFactory().post(
        "/graphql/", REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="x" * 1000
    )
    request.user = admin
    with request_context(request):
        entry = audit_record(action="test.request")
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_username) == (admin.pk, "admin")
    assert entry.ip_address == "192.0.2.10"
    assert entry.user_agent == "x" * 300
    assert entry.occurred_at is not None
    without_request = audit_record(action="test.request")
    assert (without_request.actor_id, without_request.ip_address) == (None, None)


def test_a_failed_sign_in_names_the_typed_name_not_whoever_the_request_carries(
    in_alpha: None,
) -> None:
    from backend.accounts.models import User
    from backend.accounts.services import login_with_password

    request = RequestFactory().post("/graphql/", REMOTE_ADDR="192.0.2.11")
    request.user = User.objects.get(username="admin")  # signed in, trying another name
    with request_context(request), pytest.raises(ValidationFailed):
        login_with_password(request=request, username="somebody-else", password="wrong")
    entry = AuditEntry.objects.filter(action="login_failed").latest("id")
    assert (entry.actor_id, entry.actor_username, entry.ip_address) == (
        None,
        "somebody-else",
        "192.0.2.11",
    )


# --- what is recorded, masked -----------------------------------------------------------------


def test_personal_data_is_masked_wherever_it_appears() -> None:
    id_number = make_id_number("110101", date(1980, 5, 6), 123)
    masked = id_number[:3] + "*" * 11 + id_number[-4:]
    assert scrub({"note": f"证件 {id_number} 电话 13912345678 座机 0574-87654321"}) == {
        "note": f"证件 {masked} 电话 139****5678 座机 057******4321"
    }
    # Not an ID number (bad check character), a credit code and counts are left alone.
    assert scrub(["11010119800506123Y", "91330200MA2AB1CD2E", 120]) == [
        "11010119800506123Y",
        "91330200MA2AB1CD2E",
        120,
    ]
    assert field_changes(
        {"id_number": Masked("110***********1234", "h1"), "name": "甲"},
        {"id_number": Masked("110***********1234", "h2"), "name": "甲"},
    ) == {"id_number": ["110***********1234", "110***********1234"]}


def test_entry_texts_are_scrubbed_before_they_are_written(in_alpha: None) -> None:
    id_number = make_id_number("110101", date(1980, 5, 6), 123)
    entry = audit_record(
        action="login_failed",
        result="refused",
        reason="INVALID_CREDENTIALS",
        actor_username=id_number,  # people type their ID number as a user name
        detail={"typed": id_number},
    )
    entry.refresh_from_db()
    assert id_number not in str(AuditEntry.objects.filter(pk=entry.pk).values().get()), (
        "a plain ID number was stored"
    )
    assert entry.actor_username == id_number[:3] + "*" * 11 + id_number[-4:]


def test_unmask_is_recorded(in_alpha: None) -> None:
    from backend.members.models import Member

    member = Member.objects.order_by("pk").first()
    assert member is not None
    entry = audit_unmask(target=member, fields=["phone", "id_number"], purpose="核对身份")
    entry.refresh_from_db()
    assert (entry.action, entry.target_type, entry.target_id) == (
        "personal_data.unmask",
        "Member",
        member.pk,
    )
    assert entry.detail == {"fields": ["id_number", "phone"], "purpose": "核对身份"}


def test_a_refused_write_is_recorded_after_its_transaction_rolled_back(in_alpha: None) -> None:
    root = PartyOrg.objects.get(code="alpha-root")
    with pytest.raises(ValidationFailed):
        org_services.org_create(code="alpha-s1", name="重复", kind="unit_org", parent=root)
    entry = AuditEntry.objects.filter(action="org.create").order_by("-id").first()
    assert entry is not None
    assert (entry.result, entry.reason) == ("refused", "DUPLICATE")
    assert entry.detail == {"errors": [{"field": "code", "code": "DUPLICATE"}]}
    assert not PartyOrg.objects.filter(name="重复").exists()


def test_a_failed_write_is_recorded_by_exception_class_only(
    in_alpha: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = PartyOrg.objects.get(code="alpha-root")
    secret = make_id_number("110101", date(1981, 1, 2), 345)

    def broken(**_kwargs: object) -> list[object]:
        raise RuntimeError(f"boom with {secret}")

    monkeypatch.setattr(org_services, "_check_fields", broken)
    with pytest.raises(RuntimeError):
        org_services.org_update(org=root, name="改名")
    entry = AuditEntry.objects.filter(action="org.update").order_by("-id").first()
    assert entry is not None
    assert (entry.result, entry.reason, entry.target_type, entry.target_id) == (
        "failed",
        "RuntimeError",
        "PartyOrg",
        root.pk,
    )
    assert secret not in str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert PartyOrg.objects.get(pk=root.pk).name != "改名"


def test_a_successful_write_and_its_entry_commit_together(in_alpha: None) -> None:
    root = PartyOrg.objects.get(code="alpha-root")
    before = AuditEntry.objects.count()

    def update_then_fail() -> None:
        with transaction.atomic():
            org_services.org_update(org=root, name="回滚的改名")
            raise RuntimeError("the caller's transaction fails afterwards")

    with pytest.raises(RuntimeError):
        update_then_fail()
    assert AuditEntry.objects.count() == before
    assert PartyOrg.objects.get(pk=root.pk).name != "回滚的改名"
