"""跨区转接: transferring a member's relation to another district of the platform.

The sending district (A) records a pending transfer-out and sends a RELATION_TRANSFER dispatch
whose payload is the member's record, the ID number and phone only as ciphertext (the data keys
are platform-wide), keyed hash and masked form. The receiving district (B) lists its inbox,
accepts (creating the member under one of its orgs) or refuses; the platform then runs
`_on_answer` in A in the same transaction: on acceptance A's Member row is deleted, so the member
is one record, now in B. Neither district ever reads the other's schema.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.audit.services import audit_record, audited
from backend.common.personal_data import decrypt
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.members.personal_data import ID_NUMBER, PHONE
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.transfers.models import (
    LETTER_VALID_DAYS,
    RelationChange,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferState,
    TransferStatus,
)
from backend.transfers.services import (
    NOTE_MAX,
    acting_user,
    answered_now,
    checked_refusal,
    common_errors,
    last_change_error,
    locked_member,
    org_snapshot,
    pending_out_error,
    receiving_org_errors,
    remove_member,
    transfer_out_create,
    valid_days_errors,
)
from tenants.exchange import (
    dispatch_answer,
    dispatch_payload_replace,
    dispatch_send,
    dispatch_withdraw,
    inbox,
    on_answer,
    platform_district,
    sender_identity,
)
from tenants.models import Dispatch, DispatchKind, DispatchState

PAYLOAD_VERSION = 1
CIPHERTEXT_KEYS = ("id_number_encrypted", "phone_encrypted")
REQUESTED_CODE_MAX = 50


def _history(member: Member, here_name: str) -> list[dict[str, Any]]:
    """The member's relation history as text, for the receiving district to keep."""
    return [
        {
            "date": change.date.isoformat(),
            "from_district_name": change.from_district_name
            or (here_name if change.from_org_name else ""),
            "from_org_name": change.from_org_name,
            "to_district_name": change.to_district_name or here_name,
            "to_org_name": change.to_org_name,
            "reason": change.reason,
            "note": change.note,
        }
        for change in RelationChange.objects.filter(member=member).order_by("date", "id")
    ]


def transfer_payload(member: Member, transfer: RelationTransfer) -> dict[str, Any]:
    """What crosses to the other district: personal data only as ciphertext, hash and mask."""
    here_code, here_name = sender_identity()
    return {
        "version": PAYLOAD_VERSION,
        "member": {
            "name": member.name,
            "gender": member.gender,
            "birth_date": member.birth_date.isoformat(),
            "education": member.education,
            "joined_on": member.joined_on.isoformat(),
            "status": member.status,
            "category": member.category,
            "id_number_encrypted": member.id_number_encrypted,
            "id_number_hash": member.id_number_hash,
            "id_number_masked": member.id_number_masked,
            "phone_encrypted": member.phone_encrypted,
            "phone_hash": member.phone_hash,
            "phone_masked": member.phone_masked,
        },
        "from_org": {"name": transfer.from_org_name, "code": transfer.from_org_code},
        "from_district": {"code": here_code, "name": here_name},
        "requested_org_code": transfer.requested_org_code,
        "reason": transfer.reason,
        "note": transfer.note,
        "letter_number": transfer.letter_number,
        "moved_on": transfer.moved_on.isoformat(),
        "valid_until": transfer.valid_until.isoformat(),
        "history": _history(member, here_name),
    }


def stripped_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without ciphertexts, kept once the answer is given."""
    member = {k: v for k, v in payload.get("member", {}).items() if k not in CIPHERTEXT_KEYS}
    return {**payload, "member": member}


# ---------------------------------------------------------------------------- the sender (A)


@audited("relation.transfer_out_between", target="member")
@transaction.atomic
def transfer_out_between(
    *,
    member: Member,
    district_code: str,
    reason: str,
    on: date,
    requested_org_code: str = "",
    note: str = "",
    valid_days: int = LETTER_VALID_DAYS,
) -> RelationTransfer:
    """Send a member's relation to another district of the platform: pending until it answers."""
    note, requested_org_code = note.strip(), requested_org_code.strip()
    member = locked_member(member)
    errors = common_errors(reason=reason, on=on, note=note)
    if len(requested_org_code) > REQUESTED_CODE_MAX:
        errors.append(FieldError("requestedOrgCode", "TOO_LONG", "拟接收党组织代码过长。"))
    errors.extend(valid_days_errors(valid_days))
    errors.extend(pending_out_error(member))
    errors.extend(last_change_error(member, on))
    recipient = None
    if not district_code.strip():
        errors.append(FieldError("targetDistrictCode", "REQUIRED", "请选择转入的区。"))
    else:
        try:
            recipient = platform_district(district_code, field="targetDistrictCode")
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors or recipient is None:
        raise ValidationFailed(errors)
    transfer = transfer_out_create(
        member,
        scope=TransferScope.BETWEEN,
        status=TransferStatus.PENDING,
        reason=reason,
        on=on,
        note=note,
        valid_days=valid_days,
        to_org=None,
        counterpart_district_code=recipient.code,
        counterpart_district_name=recipient.name,
        requested_org_code=requested_org_code,
    )
    dispatch = dispatch_send(
        kind=DispatchKind.RELATION_TRANSFER,
        recipient=recipient,
        sender_ref=f"RelationTransfer:{transfer.pk}",
        payload=transfer_payload(member, transfer),
    )
    transfer.dispatch_id = dispatch.pk
    transfer.save(update_fields=["dispatch_id"])
    audit_record(
        action="relation.transfer_out_between",
        target=transfer,
        detail={
            "member": member.pk,
            "recipient": recipient.code,
            "dispatch": dispatch.pk,
            "letter_number": transfer.letter_number,
        },
    )
    return transfer


def withdraw_between(transfer: RelationTransfer, reason: str) -> None:
    """The cross-district half of withdrawing (the caller updates the transfer)."""
    assert transfer.dispatch_id is not None
    dispatch_withdraw(dispatch_id=transfer.dispatch_id, reason=reason)


@on_answer(DispatchKind.RELATION_TRANSFER)
def _on_answer(dispatch: Dispatch) -> None:
    """Runs in A when B answers, in B's transaction: settle A's side of the transfer."""
    transfer = (
        RelationTransfer.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(dispatch_id=dispatch.pk, direction=TransferDirection.OUT)
        .first()
    )
    if transfer is None or transfer.status != TransferStatus.PENDING:
        raise RuntimeError("no pending transfer-out for this dispatch")  # rolls the answer back
    reply = dispatch.reply or {}
    transfer.answered_at = dispatch.answered_at or timezone.now()
    transfer.answered_by_name = str(reply.get("answered_by", ""))[:150]
    if dispatch.state == DispatchState.ACCEPTED:
        transfer.status = TransferStatus.ACCEPTED
        transfer.to_org_name = str(reply.get("org_name", ""))[:200]
        transfer.to_org_code = str(reply.get("org_code", ""))[:50]
        transfer.save()
        audit_record(
            action="relation.transfer_accepted",
            target=transfer,
            detail={"dispatch": dispatch.pk, "recipient": dispatch.recipient.code},
        )
        if transfer.member is not None:
            remove_member(transfer.member, transfer)
    elif dispatch.state == DispatchState.REFUSED:
        transfer.status = TransferStatus.REFUSED
        transfer.refused_reason = str(reply.get("reason", "")) or "对方未说明原因"
        transfer.save()
        audit_record(
            action="relation.transfer_refused",
            target=transfer,
            detail={"dispatch": dispatch.pk, "recipient": dispatch.recipient.code},
        )


# ---------------------------------------------------------------------------- the recipient (B)


def incoming_transfers() -> QuerySet[Dispatch]:
    """Relation transfers other districts sent to this one, newest first."""
    return inbox(DispatchKind.RELATION_TRANSFER)


def incoming_transfer(dispatch_id: int, *, field: str = "id", lock: bool = False) -> Dispatch:
    """One dispatch of this district's inbox; `lock` holds it until the transaction ends, so two
    answers to it are taken one after the other."""
    found_in = incoming_transfers()
    if lock:
        found_in = found_in.select_for_update(of=("self",))
    found = found_in.filter(pk=dispatch_id).first()
    if found is None:
        raise ValidationFailed.single(field, "NOT_FOUND", "找不到该转入的组织关系。")
    return found


def incoming_state_filter(state: str) -> Q:
    """Dispatches whose shown state (TransferState) is `state`."""
    today = date.today().isoformat()  # ISO dates order as strings
    if state == TransferState.PENDING:
        return Q(state=DispatchState.SENT, payload__valid_until__gte=today)
    if state == TransferState.EXPIRED:
        return Q(state=DispatchState.SENT, payload__valid_until__lt=today)
    answered = {
        TransferState.ACCEPTED: DispatchState.ACCEPTED,
        TransferState.REFUSED: DispatchState.REFUSED,
        TransferState.WITHDRAWN: DispatchState.WITHDRAWN,
    }
    return Q(state=answered[TransferState(state)]) if state in answered else Q(pk__in=[])


def _check_open(dispatch: Dispatch) -> None:
    if dispatch.state == DispatchState.WITHDRAWN:
        raise ValidationFailed.single("id", "WITHDRAWN", "转出方已撤回该转接。")
    if dispatch.state != DispatchState.SENT:
        raise ValidationFailed.single(
            "id", "ALREADY_ANSWERED", f"该转接已{dispatch.get_state_display()}，不能再处理。"
        )


def payload_valid_until(payload: dict[str, Any]) -> date:
    return date.fromisoformat(payload["valid_until"])


def _incoming_row(
    dispatch: Dispatch, *, status: str, member: Member | None, to_org: PartyOrg | None
) -> RelationTransfer:
    """B's own record of the transfer (created when B answers)."""
    payload = dispatch.payload
    person = payload.get("member", {})
    reason = payload.get("reason", TransferReason.OTHER)
    return RelationTransfer(
        direction=TransferDirection.IN,
        scope=TransferScope.BETWEEN,
        status=status,
        member=member,
        member_name=person.get("name", ""),
        member_id_number_masked=person.get("id_number_masked", ""),
        member_id_number_hash=person.get("id_number_hash", ""),
        from_org=None,
        from_org_name=payload.get("from_org", {}).get("name", ""),
        from_org_code=payload.get("from_org", {}).get("code", ""),
        **org_snapshot("to", to_org),
        counterpart_district_code=dispatch.sender.code,
        counterpart_district_name=dispatch.sender.name,
        requested_org_code=payload.get("requested_org_code", ""),
        reason=reason if reason in TransferReason.values else TransferReason.OTHER,
        note=payload.get("note", ""),
        letter_number=payload.get("letter_number", ""),
        moved_on=date.fromisoformat(payload["moved_on"]),
        valid_until=payload_valid_until(payload),
        dispatch_id=dispatch.pk,
        **answered_now(),
    )


def _answerer_name() -> str:
    user = acting_user()
    return user.get_username() if user is not None else ""


def _carried_history(member: Member, payload: dict[str, Any]) -> list[RelationChange]:
    changes = []
    for entry in payload.get("history", []):
        reason = entry.get("reason", TransferReason.OTHER)
        changes.append(
            RelationChange(
                member=member,
                date=date.fromisoformat(entry["date"]),
                from_org_name=entry.get("from_org_name", "")[:200],
                from_district_name=entry.get("from_district_name", "")[:200],
                to_org_name=entry.get("to_org_name", "")[:200],
                to_district_name=entry.get("to_district_name", "")[:200],
                reason=reason if reason in TransferReason.values else TransferReason.OTHER,
                note=entry.get("note", "")[:NOTE_MAX],
                carried=True,
            )
        )
    return changes


@audited("relation.transfer_in_accept")
@transaction.atomic
def accept_incoming(*, dispatch_id: int, to_org: PartyOrg) -> RelationTransfer:
    """B accepts: the member joins `to_org` (through members.services: a duplicate ID number or
    any other member rule is a typed error and nothing happens), A drops them in the same
    transaction, and the dispatch keeps the payload without ciphertexts."""
    dispatch = incoming_transfer(dispatch_id, lock=True)
    _check_open(dispatch)
    payload = dispatch.payload
    if payload_valid_until(payload) < date.today():
        raise ValidationFailed.single("id", "EXPIRED", "该转接已超过介绍信有效期，不能接收。")
    errors = receiving_org_errors(to_org, field="toOrgId")
    if errors:
        raise ValidationFailed(errors)
    person = payload["member"]
    member = member_create(
        data=MemberData(
            name=person["name"],
            id_number=decrypt(person["id_number_encrypted"], context=ID_NUMBER),
            gender=person["gender"],
            birth_date=date.fromisoformat(person["birth_date"]),
            education=person["education"],
            joined_on=date.fromisoformat(person["joined_on"]),
            status=person["status"],
            category=person["category"],
            phone=decrypt(person["phone_encrypted"], context=PHONE)
            if person.get("phone_encrypted")
            else "",
            org=to_org,
        )
    )
    transfer = _incoming_row(dispatch, status=TransferStatus.ACCEPTED, member=member, to_org=to_org)
    transfer.save()
    RelationChange.objects.bulk_create(_carried_history(member, payload))
    RelationChange.objects.create(
        member=member,
        date=date.today(),
        from_org_name=transfer.from_org_name,
        from_org_code=transfer.from_org_code,
        from_district_name=dispatch.sender.name,
        **org_snapshot("to", to_org),
        reason=transfer.reason,
        note=transfer.note,
        transfer=transfer,
    )
    dispatch_answer(
        dispatch_id=dispatch.pk,
        state=DispatchState.ACCEPTED,
        reply={"org_name": to_org.name, "org_code": to_org.code, "answered_by": _answerer_name()},
    )
    dispatch_payload_replace(dispatch_id=dispatch.pk, payload=stripped_payload(payload))
    audit_record(
        action="relation.transfer_in_accept",
        target=transfer,
        detail={"member": member.pk, "sender": dispatch.sender.code, "dispatch": dispatch.pk},
    )
    return transfer


@audited("relation.transfer_in_refuse")
@transaction.atomic
def refuse_incoming(*, dispatch_id: int, reason: str) -> RelationTransfer:
    """B refuses (退回) with a reason: the member never left A."""
    reason = checked_refusal(reason)
    dispatch = incoming_transfer(dispatch_id, lock=True)
    _check_open(dispatch)
    transfer = _incoming_row(dispatch, status=TransferStatus.REFUSED, member=None, to_org=None)
    transfer.refused_reason = reason
    transfer.save()
    dispatch_answer(
        dispatch_id=dispatch.pk,
        state=DispatchState.REFUSED,
        reply={"reason": reason, "answered_by": _answerer_name()},
    )
    dispatch_payload_replace(dispatch_id=dispatch.pk, payload=stripped_payload(dispatch.payload))
    audit_record(
        action="relation.transfer_in_refuse",
        target=transfer,
        reason=reason[:100],
        detail={"sender": dispatch.sender.code, "dispatch": dispatch.pk},
    )
    return transfer
