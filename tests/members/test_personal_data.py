"""ID numbers and phones at rest: AES-256-GCM with rotating keys, keyed hashes for uniqueness and
lookup, stored masked forms; in-process inside alpha (each test is rolled back)."""

import base64
import hashlib
import io
import os
import secrets
import stat
import subprocess
import sys
import time
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from backend.common import personal_data as crypto
from backend.common.personal_data import UndecryptableValue, decrypt, encrypt, keyed_hash
from backend.common.validation import ValidationFailed
from backend.config.settings import privacy
from backend.members import selectors, services
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.personal_data import (
    ID_NUMBER,
    PHONE,
    id_number_hash,
    phone_hash,
    seal_id_number,
    seal_phone,
)
from backend.members.services import MemberData, member_create, member_update, members_reencrypt
from backend.orgs.models import PartyOrg
from tenants.context import in_district

pytestmark = pytest.mark.usefixtures("in_alpha")

# Region 110108, born in the 1940s: no other test uses these numbers.
REGION = "110108"


def _key() -> bytes:
    return secrets.token_bytes(32)


def _id(sequence: int = 601, born: date = date(1948, 3, 9)) -> str:
    return make_id_number(REGION, born, sequence)


@pytest.fixture
def branch() -> PartyOrg:
    """alpha's seeded compound branch (tests/support/seed.py)."""
    return PartyOrg.objects.get(code="alpha-s1-c1-b1")


def _values(org: PartyOrg, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "王五",
        "id_number": _id(),
        "education": "bachelor",
        "joined_on": date(1970, 7, 1),
        "status": "full",
        "category": "retired",
        "org": org,
        "phone": "13900000001",
    }
    values.update(overrides)
    return values


def _create(org: PartyOrg, **overrides: Any) -> Member:
    return member_create(data=MemberData(**_values(org, **overrides)))


def _raw_row(pk: int) -> dict[str, Any]:
    """The member's row as PostgreSQL holds it, every column."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member WHERE id = %s", [pk])
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


# --- the primitives ---------------------------------------------------------------------------


def test_round_trip_with_fresh_nonces_and_the_key_id_in_front():
    number = _id()
    first, second = encrypt(number, context=ID_NUMBER), encrypt(number, context=ID_NUMBER)
    assert first != second  # a new nonce each time: equal numbers do not look equal
    current = settings.DANGJIAN_DATA_KEYS[0][0]
    assert first.startswith(f"{current}:")
    assert second.startswith(f"{current}:")
    assert number not in first
    assert decrypt(first, context=ID_NUMBER) == number == decrypt(second, context=ID_NUMBER)
    assert decrypt(encrypt("", context=PHONE), context=PHONE) == ""
    assert decrypt(encrypt("中文", context=PHONE), context=PHONE) == "中文"


def test_a_ciphertext_opens_only_in_its_own_context_and_untampered():
    token = encrypt(_id(), context=ID_NUMBER)
    with pytest.raises(UndecryptableValue) as wrong_context:
        decrypt(token, context=PHONE)
    key_id, _, payload = token.partition(":")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(UndecryptableValue) as tampered:
        decrypt(f"{key_id}:{flipped}", context=ID_NUMBER)
    with pytest.raises(UndecryptableValue):
        decrypt("no-key-id", context=ID_NUMBER)
    for failure in (wrong_context, tampered):
        assert _id() not in str(failure.value)


def test_keys_rotate_new_first_old_still_decrypts():
    old, new = _key(), _key()
    number = _id()
    with override_settings(DANGJIAN_DATA_KEYS=(("old", old),)):
        under_old = encrypt(number, context=ID_NUMBER)
    assert under_old.startswith("old:")
    with override_settings(DANGJIAN_DATA_KEYS=(("new", new), ("old", old))):
        assert decrypt(under_old, context=ID_NUMBER) == number
        under_new = encrypt(number, context=ID_NUMBER)
        assert under_new.startswith("new:")
    with override_settings(DANGJIAN_DATA_KEYS=(("new", new),)):
        assert decrypt(under_new, context=ID_NUMBER) == number
        with pytest.raises(UndecryptableValue, match="'old'"):
            decrypt(under_old, context=ID_NUMBER)
    # Same id, different key bytes: refused, not garbage.
    with override_settings(DANGJIAN_DATA_KEYS=(("old", new),)), pytest.raises(UndecryptableValue):
        decrypt(under_old, context=ID_NUMBER)


def test_the_hash_is_keyed_normalised_and_bound_to_its_field():
    number = _id()
    stored = id_number_hash(number)
    assert stored == id_number_hash(f"  {number.lower()} ")
    assert stored != hashlib.sha256(number.encode()).hexdigest()  # not a plain, guessable hash
    assert stored != keyed_hash(number, context=PHONE)
    with override_settings(DANGJIAN_HASH_KEY=_key()):
        assert id_number_hash(number) != stored
    assert id_number_hash(number) == stored
    assert phone_hash("0574-81234567") == phone_hash("0574 8123 4567") == phone_hash("057481234567")
    assert phone_hash("") == ""


def test_sealing_two_thousand_members_takes_well_under_a_second():
    numbers = [make_id_number(REGION, date(1940, 1, 1), i % 1000) for i in range(2000)]
    started = time.perf_counter()
    for i, number in enumerate(numbers):
        member = Member()
        member.id_number = number
        member.phone = f"139{i:08d}"
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"{elapsed:.3f} s"


# --- the member's columns ---------------------------------------------------------------------


def test_stored_columns_hold_ciphertext_hash_and_masked_forms(branch):
    number = _id()
    member = _create(branch, phone=" 13900000001 ")
    row = _raw_row(member.pk)
    assert "id_number" not in row
    assert "phone" not in row
    assert row["id_number_masked"] == f"110{'*' * 11}{number[-4:]}"
    assert row["phone_masked"] == "139****0001"
    assert row["id_number_hash"] == id_number_hash(number)
    assert row["phone_hash"] == phone_hash("13900000001")
    assert decrypt(row["id_number_encrypted"], context=ID_NUMBER) == number
    assert decrypt(row["phone_encrypted"], context=PHONE) == "13900000001"
    for value in row.values():
        assert number not in str(value)
        assert "13900000001" not in str(value)
    stored = Member.objects.get(pk=member.pk)
    assert (stored.id_number, stored.phone) == (number, "13900000001")


def test_no_phone_stores_three_empty_strings_and_a_landline_is_masked(branch):
    without = _create(branch, id_number=_id(603), phone="")
    row = _raw_row(without.pk)
    assert (row["phone_encrypted"], row["phone_hash"], row["phone_masked"]) == ("", "", "")
    assert Member.objects.get(pk=without.pk).phone == ""
    landline = _create(branch, id_number=_id(605), phone="0574-81234567")
    assert _raw_row(landline.pk)["phone_masked"] == "057******4567"
    assert Member.objects.get(pk=landline.pk).phone == "0574-81234567"


def test_update_keeps_unchanged_ciphertexts_and_reseals_changed_ones(branch):
    member = _create(branch)
    before = _raw_row(member.pk)
    member_update(member=member, changes={"name": "王五一"})
    same = _raw_row(member.pk)
    assert same["name"] == "王五一"
    for column in ("id_number_encrypted", "phone_encrypted"):
        assert same[column] == before[column], column
    member_update(member=member, changes={"phone": "13900000002"})
    changed = _raw_row(member.pk)
    assert changed["id_number_encrypted"] == before["id_number_encrypted"]
    assert changed["phone_encrypted"] != before["phone_encrypted"]
    assert (changed["phone_hash"], changed["phone_masked"]) == (
        phone_hash("13900000002"),
        "139****0002",
    )
    number = _id(607, date(1949, 10, 1))
    member_update(member=member, changes={"id_number": number, "gender": None, "birth_date": None})
    renumbered = _raw_row(member.pk)
    assert (renumbered["id_number_hash"], renumbered["id_number_masked"]) == (
        id_number_hash(number),
        f"110{'*' * 11}{number[-4:]}",
    )
    assert Member.objects.get(pk=member.pk).id_number == number


# --- uniqueness and lookup --------------------------------------------------------------------


def test_a_duplicate_is_refused_as_duplicate_without_repeating_the_number(branch):
    number = _id(609)
    _create(branch, id_number=number)
    with pytest.raises(ValidationFailed) as excinfo:
        _create(branch, id_number=f" {number.lower()} ", phone="13900000003")
    assert {(e.field, e.code) for e in excinfo.value.errors} == {("idNumber", "DUPLICATE")}
    assert number not in str(excinfo.value)
    assert number not in repr(MemberData(**{**_values(branch), "id_number": number}))
    assert all(number not in e.message for e in excinfo.value.errors)


def test_postgresql_enforces_uniqueness_and_the_service_reports_it_as_duplicate(
    branch, monkeypatch
):
    """A concurrent request can pass the service's check; the unique hash still refuses the row,
    and the service turns the violation into the same DUPLICATE error."""
    number = _id(611)
    first = _create(branch, id_number=number)
    before = Member.objects.count()
    monkeypatch.setattr(services, "id_number_taken", lambda *_: False)
    with pytest.raises(ValidationFailed) as excinfo:
        _create(branch, id_number=number, phone="13900000004")
    assert {(e.field, e.code) for e in excinfo.value.errors} == {("idNumber", "DUPLICATE")}
    other = _create(branch, id_number=_id(613))
    with pytest.raises(ValidationFailed) as on_update:
        member_update(member=other, changes={"id_number": number})
    assert {(e.field, e.code) for e in on_update.value.errors} == {("idNumber", "DUPLICATE")}
    assert Member.objects.count() == before + 1
    # The database constraint itself, without the service.
    clone = Member.objects.get(pk=first.pk)
    clone.pk = None
    with pytest.raises(IntegrityError) as raw, transaction.atomic():
        clone.save()
    assert number not in str(raw.value)


def test_lookup_by_id_number_goes_through_the_keyed_hash(branch):
    number = next(n for seq in range(615, 715) if (n := _id(seq)).endswith("X"))
    member = _create(branch, id_number=number)
    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.member_list(id_number=f" {number.lower()} "))
    assert [m.pk for m in found] == [member.pk]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert id_number_hash(number) in sql
    assert number not in sql
    assert not selectors.member_list(id_number=number[:17]).exists()
    with override_settings(DANGJIAN_HASH_KEY=_key()):  # the stored hashes depend on the key
        assert not selectors.member_list(id_number=number).exists()


def test_reencrypt_moves_every_member_to_the_new_key(branch):
    number = _id(617)
    member = _create(branch, id_number=number, phone="13900000005")
    before = _raw_row(member.pk)
    total = Member.objects.count()
    keys = (("rotated", _key()), *settings.DANGJIAN_DATA_KEYS)
    with override_settings(DANGJIAN_DATA_KEYS=keys):
        assert members_reencrypt(batch_size=3) == total
        assert members_reencrypt() == 0  # idempotent
    after = _raw_row(member.pk)
    assert after["id_number_encrypted"].startswith("rotated:")
    assert after["phone_encrypted"].startswith("rotated:")
    for column in ("id_number_hash", "id_number_masked", "phone_hash", "phone_masked"):
        assert after[column] == before[column]
    with override_settings(DANGJIAN_DATA_KEYS=keys[:1]):  # the old key is no longer needed
        stored = Member.objects.get(pk=member.pk)
        assert (stored.id_number, stored.phone) == (number, "13900000005")
        assert all(m.id_number for m in Member.objects.all())


def test_reencrypt_command_goes_through_every_district():
    out = io.StringIO()
    keys = (("rotated", _key()), *settings.DANGJIAN_DATA_KEYS)
    with override_settings(DANGJIAN_DATA_KEYS=keys):
        call_command("reencrypt_personal_data", stdout=out)
    report = out.getvalue()
    assert "(alpha): " in report
    assert "(beta): " in report
    assert "under key 'rotated'" in report
    for code in ("alpha", "beta"):
        with in_district(code):
            tokens = Member.objects.values_list("id_number_encrypted", flat=True)
            assert tokens
            assert all(token.startswith("rotated:") for token in tokens)


def test_sealed_forms_match_the_api_masks():
    number = _id()
    assert seal_id_number(number).masked == f"{number[:3]}{'*' * 11}{number[-4:]}"
    assert seal_phone("13912345678").masked == "139****5678"
    assert seal_phone("   ") == seal_phone("")


# --- key configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "no key"),
        ("k1", "key_id:base64key"),
        ("bad id:" + base64.b64encode(bytes(32)).decode(), "key_id:base64key"),
        ("k1:not-base64!", "base64"),
        ("k1:" + base64.b64encode(bytes(16)).decode(), "32 bytes"),
        (
            "k1:"
            + base64.b64encode(bytes(32)).decode()
            + ",k1:"
            + base64.b64encode(bytes(32)).decode(),
            "twice",
        ),
    ],
)
def test_bad_data_key_settings_fail_loudly(raw, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        privacy.parse_data_keys(raw)


def test_data_keys_are_parsed_in_order():
    a, b = _key(), _key()
    raw = f"new:{base64.b64encode(a).decode()}, old:{base64.b64encode(b).decode()}"
    assert privacy.parse_data_keys(raw) == (("new", a), ("old", b))
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        privacy.parse_hash_key(base64.b64encode(bytes(16)).decode())


def test_development_keys_are_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setattr(privacy, "VAR_DIR", tmp_path)
    first = privacy._kept_under_var("data_keys", "dev1:first")
    second = privacy._kept_under_var("data_keys", "dev1:second")
    assert first == second == "dev1:first"
    assert stat.S_IMODE((tmp_path / "data_keys").stat().st_mode) & 0o077 == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data_keys"]


def test_this_process_uses_the_keys_kept_under_var():
    """The test run and the gunicorn it starts read the same files, so they share the keys."""
    if os.environ.get("DANGJIAN_DATA_KEYS") or os.environ.get("DANGJIAN_HASH_KEY"):
        pytest.skip("keys come from the environment in this run")
    var = privacy.VAR_DIR
    assert privacy.parse_data_keys((var / "data_keys").read_text()) == settings.DANGJIAN_DATA_KEYS
    assert privacy.parse_hash_key((var / "hash_key").read_text()) == settings.DANGJIAN_HASH_KEY
    assert crypto.current_key_id() == settings.DANGJIAN_DATA_KEYS[0][0]


def _import_settings(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DANGJIAN_DATA_KEYS", "DANGJIAN_HASH_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import backend.config.settings"],
        env={
            **clean,
            "DANGJIAN_ENV": "production",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "DANGJIAN_VAR_DIR": str(tmp_path),
            **env,
        },
        cwd=str(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_requires_both_keys_and_generates_none(tmp_path):
    data_keys = f"p1:{base64.b64encode(_key()).decode()}"
    hash_key = base64.b64encode(_key()).decode()
    no_keys = _import_settings(tmp_path)
    assert no_keys.returncode != 0
    assert "DANGJIAN_DATA_KEYS" in no_keys.stderr
    no_hash_key = _import_settings(tmp_path, DANGJIAN_DATA_KEYS=data_keys)
    assert no_hash_key.returncode != 0
    assert "DANGJIAN_HASH_KEY" in no_hash_key.stderr
    same_key = _import_settings(
        tmp_path, DANGJIAN_DATA_KEYS=data_keys, DANGJIAN_HASH_KEY=data_keys.split(":")[1]
    )
    assert same_key.returncode != 0
    assert "must differ" in same_key.stderr
    both = _import_settings(tmp_path, DANGJIAN_DATA_KEYS=data_keys, DANGJIAN_HASH_KEY=hash_key)
    assert both.returncode == 0, both.stderr
    assert not (tmp_path / "data_keys").exists()
    assert not (tmp_path / "hash_key").exists()
