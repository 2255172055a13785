"""A member's ID number and phone as stored: ciphertext, keyed hash and masked display form.

The plain values exist only in memory: the model's `id_number` / `phone` properties decrypt on
access and seal on assignment (see models.Member); lists show the stored masked forms, lookups and
uniqueness use the hashes.
"""

import re
from dataclasses import dataclass

from backend.common.masking import mask_id_number, mask_phone
from backend.common.personal_data import decrypt, encrypt, keyed_hash
from backend.members.id_numbers import normalise as normalise_id_number

ID_NUMBER = "members.member.id_number"
PHONE = "members.member.phone"

_PHONE_NOISE = re.compile(r"[\s-]")


@dataclass(frozen=True)
class Sealed:
    encrypted: str
    hash: str
    masked: str


def normalise_phone(raw: str) -> str:
    """What a phone's hash is computed over: the digits, without spaces or hyphens."""
    return _PHONE_NOISE.sub("", raw)


def id_number_hash(raw: str) -> str:
    return keyed_hash(normalise_id_number(raw), context=ID_NUMBER)


def phone_hash(raw: str) -> str:
    value = normalise_phone(raw)
    return keyed_hash(value, context=PHONE) if value else ""


def seal_id_number(raw: str) -> Sealed:
    value = normalise_id_number(raw)
    return Sealed(
        encrypted=encrypt(value, context=ID_NUMBER),
        hash=keyed_hash(value, context=ID_NUMBER),
        masked=mask_id_number(value),
    )


def seal_phone(raw: str) -> Sealed:
    """A phone as entered (trimmed) is encrypted and masked; no phone is stored as three ''."""
    value = raw.strip()
    if not value:
        return Sealed(encrypted="", hash="", masked="")
    return Sealed(
        encrypted=encrypt(value, context=PHONE), hash=phone_hash(value), masked=mask_phone(value)
    )


def reseal(token: str, *, context: str) -> str:
    """The same value encrypted afresh under the current key ("" stays "")."""
    return encrypt(decrypt(token, context=context), context=context) if token else ""
