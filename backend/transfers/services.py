"""Writes of 组织关系转接 within the district and to/from outside the platform.

Transfers between districts of the platform are in transfers.exchange (they go through
tenants.exchange). Every completed move changes `Member.org` through members.services (so every
member rule applies) and writes a RelationChange.
"""

from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backend.audit.context import current_request
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.members.services import MemberData, member_create, member_update
from backend.orgs.models import PartyOrg
from backend.orgs.rules import HOLDS_NO_MEMBERS
from backend.transfers.models import (
    EXPIRED,
    LETTER_VALID_DAYS,
    RelationChange,
    RelationTransfer,
    TransferDirection,
    TransferReason,
    TransferScope,
    TransferStatus,
)
from tenants.exchange import sender_identity

NOTE_MAX = 500
ORG_NAME_MAX = 200
LETTER_MAX = 40
# Where history entries from outside the platform came from.
OUTSIDE_PLATFORM = "平台外"


# ---------------------------------------------------------------------------- helpers


def acting_user() -> Any:
    """The signed-in user of the request being served, if any (tasks and tests have none)."""
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def org_snapshot(prefix: str, org: PartyOrg | None) -> dict[str, Any]:
    """`<prefix>_org`, `<prefix>_org_name`, `<prefix>_org_code` for a model's kwargs."""
    return {
        f"{prefix}_org": org,
        f"{prefix}_org_name": org.name if org else "",
        f"{prefix}_org_code": org.code if org else "",
    }


def member_snapshot(member: Member) -> dict[str, Any]:
    return {
        "member": member,
        "member_name": member.name,
        "member_id_number_masked": member.id_number_masked,
        "member_id_number_hash": member.id_number_hash,
    }


def answered_now() -> dict[str, Any]:
    """`answered_at` / `answered_by` of a transfer answered (or completed) by this request."""
    return {"answered_at": timezone.now(), "answered_by": acting_user()}


def transfer_out_create(
    member: Member,
    *,
    scope: str,
    status: str,
    reason: str,
    on: date,
    note: str,
    letter_number: str = "",
    valid_days: int = LETTER_VALID_DAYS,
    **fields: Any,
) -> RelationTransfer:
    """An outgoing transfer of `member` from their current org, with its letter (numbered here
    unless given) valid for `valid_days` from `on`; `fields` says where it goes."""
    return RelationTransfer.objects.create(
        direction=TransferDirection.OUT,
        scope=scope,
        status=status,
        **member_snapshot(member),
        **org_snapshot("from", member.org),
        reason=reason,
        note=note,
        letter_number=letter_number or next_letter_number(on),
        moved_on=on,
        valid_until=on + timedelta(days=valid_days),
        created_by=acting_user(),
        **fields,
    )


def valid_days_errors(valid_days: int) -> list[FieldError]:
    if not 1 <= valid_days <= 365:
        return [FieldError("validDays", "INVALID", "有效期须在 1 至 365 天之间。")]
    return []


def next_letter_number(on: date) -> str:
    """介绍信编号 <district code>-<year>-<serial>: serials count up per year in this district."""
    return next_letter_numbers(on, 1)[0]


def next_letter_numbers(on: date, count: int) -> list[str]:
    """`count` consecutive letter numbers (a bulk import's adjustments take one each)."""
    code, _ = sender_identity()
    prefix = f"{code.upper()}-{on.year}-"
    with connection.cursor() as cursor:
        # Serialise this district's issuers for the rest of the transaction, so two letters never
        # share a serial (the unique constraint would refuse the second).
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"transfers.letter.{prefix}"])
    issued = RelationTransfer.objects.filter(
        direction=TransferDirection.OUT, letter_number__startswith=prefix
    ).values_list("letter_number", flat=True)
    serials = [int(n[len(prefix) :]) for n in issued if n[len(prefix) :].isdigit()]
    first = max(serials, default=0) + 1
    return [f"{prefix}{serial:05d}" for serial in range(first, first + count)]


def common_errors(*, reason: str, on: date, note: str) -> list[FieldError]:
    errors = []
    if reason not in TransferReason.values:
        errors.append(FieldError("reason", "INVALID", f"未知的转接原因 {reason}。"))
    if on > date.today():
        errors.append(FieldError("movedOn", "IN_FUTURE", "转接日期不能晚于今天。"))
    if len(note) > NOTE_MAX:
        errors.append(FieldError("note", "TOO_LONG", f"备注不能超过 {NOTE_MAX} 字。"))
    return errors


def receiving_org_errors(to_org: PartyOrg, field: str = "toOrgId") -> list[FieldError]:
    if to_org.kind in HOLDS_NO_MEMBERS:
        return [
            FieldError(
                field, "INVALID_ORG_KIND", "组织关系须转入党支部及以上组织，不能转入党小组。"
            )
        ]
    if to_org.end_date is not None and to_org.end_date <= date.today():
        return [FieldError(field, "ORG_CLOSED", "该党组织已撤销，不能接收组织关系。")]
    return []


TRANSFER_PENDING = FieldError(
    "memberId", "TRANSFER_PENDING", "该党员有待对方接收的转出，处理完毕前不能再次转接。"
)


def pending_out_error(member: Member) -> list[FieldError]:
    pending = RelationTransfer.objects.filter(
        member=member, direction=TransferDirection.OUT, status=TransferStatus.PENDING
    )
    return [TRANSFER_PENDING] if pending.exists() else []


def last_change_error(member: Member, on: date) -> list[FieldError]:
    last = RelationChange.objects.filter(member=member).order_by("-date").first()
    if last is not None and on < last.date:
        return [
            FieldError(
                "movedOn", "BEFORE_LAST_CHANGE", "转接日期不能早于该党员上一次组织关系变动。"
            )
        ]
    return []


def _move_errors(member: Member, to_org: PartyOrg, *, on: date) -> list[FieldError]:
    errors = receiving_org_errors(to_org)
    if to_org.pk == member.org_id:
        errors.append(FieldError("toOrgId", "SAME_ORG", "转入党组织与现党组织相同。"))
    errors.extend(last_change_error(member, on))
    return errors


def locked_member(member: Member) -> Member:
    return Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)


def _apply_move(
    member: Member,
    to_org: PartyOrg,
    *,
    reason: str,
    on: date,
    note: str,
    transfer: RelationTransfer | None,
) -> RelationChange:
    from_org = member.org
    member_update(member=member, changes={"org": to_org})
    return RelationChange.objects.create(
        member=member,
        date=on,
        **org_snapshot("from", from_org),
        **org_snapshot("to", to_org),
        reason=reason,
        note=note,
        transfer=transfer,
    )


# ---------------------------------------------------------------------------- within the district


@audited("relation.move", target="member")
@transaction.atomic
def relation_move(
    *, member: Member, to_org: PartyOrg, reason: str, on: date, note: str = ""
) -> RelationChange:
    """Move a member's organisational relation to another org of this district now, recording the change (audited)."""
    note = note.strip()
    member = locked_member(member)
    errors = common_errors(reason=reason, on=on, note=note)
    errors.extend(_move_errors(member, to_org, on=on))
    errors.extend(pending_out_error(member))
    if errors:
        raise ValidationFailed(errors)
    transfer = transfer_out_create(
        member,
        scope=TransferScope.WITHIN,
        status=TransferStatus.COMPLETED,
        reason=reason,
        on=on,
        note=note,
        **org_snapshot("to", to_org),
        **answered_now(),
    )
    change = _apply_move(member, to_org, reason=reason, on=on, note=note, transfer=transfer)
    audit_record(
        action="relation.move",
        target=member,
        changes={"org_id": [change.from_org_id, to_org.pk]},
        detail={"transfer": transfer.pk, "reason": reason, "letter_number": transfer.letter_number},
    )
    return change


@audited("relation.transfer_request", target="member")
@transaction.atomic
def relation_transfer_request(
    *,
    member: Member,
    to_org: PartyOrg,
    reason: str,
    on: date,
    note: str = "",
    valid_days: int = LETTER_VALID_DAYS,
) -> RelationTransfer:
    """A transfer within the district that the receiving org must accept (the sender cannot
    write it): pending until accepted, refused, withdrawn, or expired."""
    note = note.strip()
    member = locked_member(member)
    errors = common_errors(reason=reason, on=on, note=note)
    errors.extend(_move_errors(member, to_org, on=on))
    errors.extend(pending_out_error(member))
    errors.extend(valid_days_errors(valid_days))
    if errors:
        raise ValidationFailed(errors)
    transfer = transfer_out_create(
        member,
        scope=TransferScope.WITHIN,
        status=TransferStatus.PENDING,
        reason=reason,
        on=on,
        note=note,
        valid_days=valid_days,
        **org_snapshot("to", to_org),
    )
    audit_record(
        action="relation.transfer_request",
        target=transfer,
        detail={"member": member.pk, "to_org": to_org.pk, "letter_number": transfer.letter_number},
    )
    return transfer


def _locked_transfer(transfer: RelationTransfer) -> RelationTransfer:
    return (
        RelationTransfer.objects.select_for_update(of=("self",))
        .select_related("member", "to_org", "from_org")
        .get(pk=transfer.pk)
    )


def _require_pending(transfer: RelationTransfer, *, allow_expired: bool = False) -> None:
    status = transfer.effective_status()
    if status == EXPIRED and not allow_expired:
        raise ValidationFailed.single("id", "EXPIRED", "该转接已超过介绍信有效期，不能接收。")
    if transfer.status != TransferStatus.PENDING:
        raise ValidationFailed.single(
            "id", "NOT_PENDING", f"该转接已{transfer.get_status_display()}，不能再处理。"
        )


@audited("relation.transfer_accept", target="transfer")
@transaction.atomic
def relation_transfer_accept(*, transfer: RelationTransfer) -> RelationTransfer:
    """The receiving org accepts a pending transfer within the district: the move happens today."""
    transfer = _locked_transfer(transfer)
    if transfer.scope != TransferScope.WITHIN:
        raise ValidationFailed.single(
            "id", "WRONG_SCOPE", "该转接不在本区内办理，请在转入列表中处理。"
        )
    _require_pending(transfer)
    member, to_org = transfer.member, transfer.to_org
    if member is None or to_org is None:
        raise ValidationFailed.single("id", "GONE", "该党员或转入党组织已不在本区。")
    member = locked_member(member)
    today = date.today()
    errors = _move_errors(member, to_org, on=today)
    if errors:
        raise ValidationFailed(errors)
    # The transfer stops being pending before the move, so the pending check does not fire.
    transfer.status = TransferStatus.ACCEPTED
    transfer.moved_on = today
    transfer.answered_at = timezone.now()
    transfer.answered_by = acting_user()
    transfer.save()
    change = _apply_move(
        member, to_org, reason=transfer.reason, on=today, note=transfer.note, transfer=transfer
    )
    audit_record(
        action="relation.transfer_accept",
        target=transfer,
        changes={"org_id": [change.from_org_id, to_org.pk]},
        detail={"member": member.pk},
    )
    return transfer


def checked_refusal(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.single("reason", "REQUIRED", "请填写退回原因。")
    if len(reason) > NOTE_MAX:
        raise ValidationFailed.single("reason", "TOO_LONG", f"退回原因不能超过 {NOTE_MAX} 字。")
    return reason


@audited("relation.transfer_refuse", target="transfer")
@transaction.atomic
def relation_transfer_refuse(*, transfer: RelationTransfer, reason: str) -> RelationTransfer:
    """The receiving org refuses (退回) a pending transfer within the district, with a reason."""
    reason = checked_refusal(reason)
    transfer = _locked_transfer(transfer)
    if transfer.scope != TransferScope.WITHIN:
        raise ValidationFailed.single(
            "id", "WRONG_SCOPE", "该转接不在本区内办理，请在转入列表中处理。"
        )
    _require_pending(transfer, allow_expired=True)
    transfer.status = TransferStatus.REFUSED
    transfer.refused_reason = reason
    transfer.answered_at = timezone.now()
    transfer.answered_by = acting_user()
    transfer.save()
    audit_record(action="relation.transfer_refuse", target=transfer, reason=reason[:100])
    return transfer


@audited("relation.transfer_withdraw", target="transfer")
@transaction.atomic
def relation_transfer_withdraw(*, transfer: RelationTransfer, reason: str = "") -> RelationTransfer:
    """The sender takes back a pending transfer-out (within the district or to another one)."""
    from backend.transfers.exchange import withdraw_between  # the cross-district half

    reason = reason.strip()[:NOTE_MAX]
    if transfer.direction != TransferDirection.OUT:
        raise ValidationFailed.single("id", "WRONG_DIRECTION", "只有转出方可以撤回。")
    _require_pending(transfer, allow_expired=True)
    if transfer.scope == TransferScope.BETWEEN and transfer.dispatch_id is not None:
        # The dispatch first, then our row: the order an answer from the other district takes
        # (dispatch_answer, then _on_answer here), so the two never wait on each other.
        withdraw_between(transfer, reason)
    transfer = _locked_transfer(transfer)
    _require_pending(transfer, allow_expired=True)
    transfer.status = TransferStatus.WITHDRAWN
    transfer.refused_reason = ""
    transfer.note = f"{transfer.note}\n撤回：{reason}".strip() if reason else transfer.note
    transfer.answered_at = timezone.now()
    transfer.answered_by = acting_user()
    transfer.save()
    audit_record(action="relation.transfer_withdraw", target=transfer, reason=reason[:100])
    return transfer


# ---------------------------------------------------------------------------- outside the platform


@audited("relation.transfer_out_outside", target="member")
@transaction.atomic
def transfer_out_outside(
    *,
    member: Member,
    org_name: str,
    reason: str,
    on: date,
    letter_number: str = "",
    note: str = "",
) -> RelationTransfer:
    """Transfer to an org outside the platform: done at once; the member leaves this district's
    roll (their Member row is deleted) and the transfer keeps the snapshot."""
    note, org_name, letter_number = note.strip(), org_name.strip(), letter_number.strip()
    member = locked_member(member)
    errors = common_errors(reason=reason, on=on, note=note)
    if not org_name:
        errors.append(FieldError("outsideOrgName", "REQUIRED", "请填写转入的党组织名称。"))
    elif len(org_name) > ORG_NAME_MAX:
        errors.append(FieldError("outsideOrgName", "TOO_LONG", "党组织名称过长。"))
    if len(letter_number) > LETTER_MAX:
        errors.append(FieldError("letterNumber", "TOO_LONG", "介绍信编号过长。"))
    elif (
        letter_number
        and RelationTransfer.objects.filter(
            direction=TransferDirection.OUT, letter_number=letter_number
        ).exists()
    ):
        errors.append(FieldError("letterNumber", "DUPLICATE", "本区已开具该编号的介绍信。"))
    errors.extend(pending_out_error(member))
    errors.extend(last_change_error(member, on))
    if errors:
        raise ValidationFailed(errors)
    transfer = transfer_out_create(
        member,
        scope=TransferScope.OUTSIDE,
        status=TransferStatus.COMPLETED,
        reason=reason,
        on=on,
        note=note,
        letter_number=letter_number,
        to_org=None,
        to_org_name=org_name,
        **answered_now(),
    )
    remove_member(member, transfer)
    return transfer


def remove_member(member: Member, transfer: RelationTransfer) -> None:
    """Take a member off this district's roll for a completed transfer-out; the transfer keeps
    the snapshot (its FK is SET_NULL), the member's own records go with the row."""
    audit_record(
        action="member.transfer_out",
        target=member,
        detail={"transfer": transfer.pk, "letter_number": transfer.letter_number},
    )
    member.delete()
    transfer.member = None


@audited("relation.receive_from_outside")
@transaction.atomic
def receive_from_outside(
    *,
    data: MemberData,
    from_org_name: str,
    letter_number: str,
    reason: str,
    on: date,
    note: str = "",
) -> RelationTransfer:
    """Transfer-in from an org outside the platform: the member is created (every member rule
    applies) with an incoming transfer and the arrival in their history."""
    note, from_org_name, letter_number = note.strip(), from_org_name.strip(), letter_number.strip()
    errors = common_errors(reason=reason, on=on, note=note)
    if not from_org_name:
        errors.append(FieldError("fromOrgName", "REQUIRED", "请填写转出的党组织名称。"))
    elif len(from_org_name) > ORG_NAME_MAX:
        errors.append(FieldError("fromOrgName", "TOO_LONG", "党组织名称过长。"))
    if not letter_number:
        errors.append(FieldError("letterNumber", "REQUIRED", "请填写介绍信编号。"))
    elif len(letter_number) > LETTER_MAX:
        errors.append(FieldError("letterNumber", "TOO_LONG", "介绍信编号过长。"))
    errors.extend(receiving_org_errors(data.org, field="orgId"))
    if errors:
        raise ValidationFailed(errors)
    member = member_create(data=data)
    transfer = RelationTransfer.objects.create(
        direction=TransferDirection.IN,
        scope=TransferScope.OUTSIDE,
        status=TransferStatus.COMPLETED,
        **member_snapshot(member),
        from_org=None,
        from_org_name=from_org_name,
        **org_snapshot("to", member.org),
        reason=reason,
        note=note,
        letter_number=letter_number,
        moved_on=on,
        valid_until=on + timedelta(days=LETTER_VALID_DAYS),
        created_by=acting_user(),
        **answered_now(),
    )
    RelationChange.objects.create(
        member=member,
        date=on,
        from_org_name=from_org_name,
        from_district_name=OUTSIDE_PLATFORM,
        **org_snapshot("to", member.org),
        reason=reason,
        note=note,
        transfer=transfer,
    )
    audit_record(
        action="relation.receive_from_outside",
        target=transfer,
        detail={"member": member.pk, "letter_number": letter_number},
    )
    return transfer
