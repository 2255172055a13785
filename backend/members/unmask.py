"""Revealing a member's full ID number and phone: only with the unmask permission, only with a
stated purpose, and never without an audit entry."""

from dataclasses import dataclass

from django.db import transaction

from backend.audit.models import AuditResult
from backend.audit.services import audit_unmask
from backend.common.validation import ValidationFailed
from backend.members.models import Member

REVEALED_FIELDS = ("id_number", "phone")


@dataclass(frozen=True)
class RevealedPersonalData:
    id_number: str
    phone: str


def _check_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not 2 <= len(purpose) <= 200:
        raise ValidationFailed.single(
            "purpose", "REQUIRED", "请说明查看完整身份信息的用途（2–200 字）。"
        )
    return purpose


def member_personal_data_reveal(
    *, member: Member, purpose: str, permitted: bool
) -> RevealedPersonalData:
    """Reveal when `permitted` (the caller's unmask grant covers the member). A refusal is
    recorded too, before raising, so no rollback takes the entry with it."""
    if not permitted:
        audit_unmask(
            target=member,
            fields=REVEALED_FIELDS,
            purpose=purpose.strip()[:200],
            result=AuditResult.REFUSED,
            reason="NO_UNMASK_PERMISSION",
        )
        raise ValidationFailed.single("id", "FORBIDDEN", "您没有查看完整身份信息的权限。")
    return _reveal(member=member, purpose=purpose)


@transaction.atomic
def _reveal(*, member: Member, purpose: str) -> RevealedPersonalData:
    """The entry is written in the same transaction as the read: no entry, no data."""
    purpose = _check_purpose(purpose)
    audit_unmask(target=member, fields=REVEALED_FIELDS, purpose=purpose)
    return RevealedPersonalData(id_number=member.id_number, phone=member.phone)
