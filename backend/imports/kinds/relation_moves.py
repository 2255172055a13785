"""Organisational-relation adjustments (党组织调整) made by a roster import, written in bulk the
way transfers.services.relation_move writes one: a completed within-district transfer with its
letter number, and the step in the member's relation history that the member metrics read."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from backend.orgs.models import PartyOrg
from backend.transfers.models import (
    LETTER_VALID_DAYS,
    RelationChange,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferStatus,
)
from backend.transfers.services import next_letter_numbers, org_snapshot


@dataclass(frozen=True)
class Move:
    member_id: int
    member_name: str
    id_number_masked: str
    id_number_hash: str
    from_org: PartyOrg  # id, name and code are enough
    to_org: PartyOrg


def relation_moves_record(
    moves: Sequence[Move], *, on: date, user_id: int | None, note: str
) -> None:
    if not moves:
        return
    letters = next_letter_numbers(on, len(moves))
    answered_at = timezone.now()
    transfers = RelationTransfer.objects.bulk_create(
        RelationTransfer(
            direction=TransferDirection.OUT,
            scope=TransferScope.WITHIN,
            status=TransferStatus.COMPLETED,
            member_id=move.member_id,
            member_name=move.member_name,
            member_id_number_masked=move.id_number_masked,
            member_id_number_hash=move.id_number_hash,
            **org_snapshot("from", move.from_org),
            **org_snapshot("to", move.to_org),
            reason=TransferReason.ORG_ADJUSTMENT,
            note=note,
            letter_number=letter,
            moved_on=on,
            valid_until=on + timedelta(days=LETTER_VALID_DAYS),
            created_by_id=user_id,
            answered_at=answered_at,
            answered_by_id=user_id,
        )
        for move, letter in zip(moves, letters, strict=True)
    )
    RelationChange.objects.bulk_create(
        RelationChange(
            member_id=move.member_id,
            date=on,
            **org_snapshot("from", move.from_org),
            **org_snapshot("to", move.to_org),
            reason=TransferReason.ORG_ADJUSTMENT,
            note=note,
            transfer=transfer,
        )
        for move, transfer in zip(moves, transfers, strict=True)
    )
