"""Personal data at rest: AES-256-GCM ciphertexts that name their key, and keyed hashes.

A stored ciphertext is `<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`, e.g. `dev1:q83v…`. The
first key of settings.DANGJIAN_DATA_KEYS encrypts; any configured key decrypts, chosen by the id
in front, so keys rotate without a flag day (put the new key first, re-encrypt, drop the old one).
The `context` (which field this is) is bound in as associated data: a phone's ciphertext copied
into the ID-number column does not decrypt.

`keyed_hash` is HMAC-SHA256 under settings.DANGJIAN_HASH_KEY (a separate key) of a normalised
value, also bound to its context. It serves uniqueness and exact lookup; without the key nobody
can test guesses against it, which a plain hash of an 18-digit ID number would allow in minutes.

Nothing here puts a plain value into an exception message.
"""

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12
SEPARATOR = ":"


class UndecryptableValue(Exception):
    """A stored value that no configured key opens (unknown key id, wrong key, or tampering)."""


@dataclass(frozen=True)
class _Keyring:
    encrypting_key_id: str
    ciphers: dict[str, AESGCM]
    hasher: "hmac.HMAC"


@lru_cache(maxsize=4)
def _keyring_for(data_keys: tuple[tuple[str, bytes], ...], hash_key: bytes) -> _Keyring:
    return _Keyring(
        encrypting_key_id=data_keys[0][0],
        ciphers={key_id: AESGCM(key) for key_id, key in data_keys},
        hasher=hmac.new(hash_key, digestmod=hashlib.sha256),
    )


def _keyring() -> _Keyring:
    # Read on every call (cheap: cached by value), so override_settings in tests takes effect.
    return _keyring_for(tuple(settings.DANGJIAN_DATA_KEYS), settings.DANGJIAN_HASH_KEY)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encrypt(plaintext: str, *, context: str) -> str:
    """A fresh ciphertext under the current key (a new random nonce every time)."""
    ring = _keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.encrypting_key_id].encrypt(
        nonce, plaintext.encode(), context.encode()
    )
    return f"{ring.encrypting_key_id}{SEPARATOR}{_b64encode(nonce + sealed)}"


def decrypt(token: str, *, context: str) -> str:
    key_id, separator, payload = token.partition(SEPARATOR)
    if not separator:
        raise UndecryptableValue("The stored value has no key id.")
    cipher = _keyring().ciphers.get(key_id)
    if cipher is None:
        raise UndecryptableValue(f"The stored value needs data key {key_id!r}, not configured.")
    try:
        raw = _b64decode(payload)
        plaintext = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (binascii.Error, ValueError, InvalidTag):
        raise UndecryptableValue(
            f"The stored value does not open with data key {key_id!r} as {context!r}."
        ) from None
    return plaintext.decode()


def key_id(token: str) -> str:
    """The id of the key a stored value was encrypted with."""
    return token.partition(SEPARATOR)[0]


def current_key_id() -> str:
    return _keyring().encrypting_key_id


def keyed_hash(normalised: str, *, context: str) -> str:
    """HMAC-SHA256 (hex) of an already normalised value, under the hash key, for `context`."""
    mac = _keyring().hasher.copy()
    mac.update(context.encode() + b"\x00" + normalised.encode())
    return mac.hexdigest()
