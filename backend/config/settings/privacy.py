"""Keys for personal data at rest (ID numbers, phones): see backend/common/personal_data.py.

DANGJIAN_DATA_KEYS   comma-separated `key_id:base64(32 bytes)`; AES-256-GCM. The first key encrypts,
                     every listed key decrypts: to rotate, put a new key first, keep the old ones
                     until `manage.py reencrypt_personal_data` has rewritten every district.
DANGJIAN_HASH_KEY    base64 of at least 32 bytes; HMAC-SHA256 key of the lookup/uniqueness hashes.
                     Changing it means recomputing every hash (the stored hashes stop matching).

Production requires both. In development and tests they are generated once and kept under var/
(like the development SECRET_KEY), so every process on the machine (migrations, the test run, the
gunicorn it starts) uses the same keys. Losing those files makes the stored data unreadable.
"""

import base64
import binascii
import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from backend.config.env import env
from backend.config.settings.base import ENVIRONMENT, VAR_DIR

DATA_KEY_BYTES = 32
MIN_HASH_KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _decode_key(raw: str, what: str) -> bytes:
    try:
        return base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64.") from None


def parse_data_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    """`id:base64key,...` → ((id, key), ...), in order; the first one encrypts."""
    keys: list[tuple[str, bytes]] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                "DANGJIAN_DATA_KEYS must be comma-separated key_id:base64key pairs "
                "(key ids of letters, digits, _ and -)."
            )
        key = _decode_key(encoded, f"DANGJIAN_DATA_KEYS key {key_id!r}")
        if len(key) != DATA_KEY_BYTES:
            raise ImproperlyConfigured(
                f"DANGJIAN_DATA_KEYS key {key_id!r} must be {DATA_KEY_BYTES} bytes (AES-256)."
            )
        if any(key_id == existing for existing, _ in keys):
            raise ImproperlyConfigured(f"DANGJIAN_DATA_KEYS lists key id {key_id!r} twice.")
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured("DANGJIAN_DATA_KEYS holds no key.")
    return tuple(keys)


def parse_hash_key(raw: str) -> bytes:
    key = _decode_key(raw, "DANGJIAN_HASH_KEY")
    if len(key) < MIN_HASH_KEY_BYTES:
        raise ImproperlyConfigured(
            f"DANGJIAN_HASH_KEY must be at least {MIN_HASH_KEY_BYTES} bytes."
        )
    return key


def _kept_under_var(name: str, make: str) -> str:
    """The contents of var/<name>, written once with `make` if missing. Creation is atomic and
    exclusive, so processes starting together (parallel migrations, gunicorn workers) agree."""
    path = Path(VAR_DIR) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make + "\n")
        try:
            os.link(scratch, path)  # fails if another process got there first: theirs wins
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    return path.read_text().strip()


def _random_key() -> str:
    return base64.b64encode(secrets.token_bytes(DATA_KEY_BYTES)).decode()


if ENVIRONMENT == "production":
    DANGJIAN_DATA_KEYS = parse_data_keys(env("DANGJIAN_DATA_KEYS"))
    DANGJIAN_HASH_KEY = parse_hash_key(env("DANGJIAN_HASH_KEY"))
else:
    DANGJIAN_DATA_KEYS = parse_data_keys(
        env("DANGJIAN_DATA_KEYS", "") or _kept_under_var("data_keys", f"dev1:{_random_key()}")
    )
    DANGJIAN_HASH_KEY = parse_hash_key(
        env("DANGJIAN_HASH_KEY", "") or _kept_under_var("hash_key", _random_key())
    )

if any(key == DANGJIAN_HASH_KEY for _, key in DANGJIAN_DATA_KEYS):
    raise ImproperlyConfigured("DANGJIAN_HASH_KEY must differ from every DANGJIAN_DATA_KEYS key.")
