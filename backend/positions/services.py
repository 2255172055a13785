"""Writes of 阵地: open, change and close a community's positions."""

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.validation import FieldError, ValidationFailed
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions.models import Position, PositionKind

MAX_AREA = Decimal("1000000")
ONE_OPEN_PER_KIND = "positions_position_one_open_per_kind"
AUDIT_FIELDS = (
    "community_id",
    "kind",
    "name",
    "address",
    "area_m2",
    "opening_hours",
    "meets_standard",
    "opened_on",
    "closed_on",
)


@dataclass(frozen=True)
class PositionData:
    community: PartyOrg
    kind: str
    name: str
    address: str = ""
    area_m2: Decimal | None = None
    opening_hours: str = ""
    meets_standard: bool = False
    opened_on: date | None = None
    closed_on: date | None = None


def _already_open(kind: str) -> FieldError:
    return FieldError(
        "kind", "ALREADY_OPEN", f"该社区已有一个在用的{PositionKind(kind).label}，请先停用。"
    )


def _check(data: PositionData, position_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    today = date.today()
    if not data.name:
        errors.append(FieldError("name", "REQUIRED", "请填写阵地名称。"))
    elif len(data.name) > 200:
        errors.append(FieldError("name", "TOO_LONG", "名称不能超过 200 字。"))
    if data.kind not in PositionKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的阵地类型 {data.kind}。"))
    if data.community.kind not in COMMUNITY_KINDS:
        errors.append(
            FieldError(
                "communityId",
                "INVALID_ORG_KIND",
                f"阵地须属于{PartyOrgKind.COMMUNITY_COMMITTEE.label}或"
                f"{PartyOrgKind.COMMUNITY_GENERAL_BRANCH.label}。",
            )
        )
    if data.area_m2 is not None and not data.area_m2.is_finite():
        errors.append(FieldError("areaM2", "INVALID", "面积须为数字。"))
    elif data.area_m2 is not None and data.area_m2 <= 0:
        errors.append(FieldError("areaM2", "NOT_POSITIVE", "面积须大于 0。"))
    elif data.area_m2 is not None and data.area_m2 >= MAX_AREA:
        errors.append(FieldError("areaM2", "TOO_LARGE", "面积过大，请核对（单位：平方米）。"))
    if data.opened_on and data.opened_on > today:
        errors.append(FieldError("openedOn", "IN_FUTURE", "启用日期不能晚于今天。"))
    if data.closed_on:
        if data.closed_on > today:
            errors.append(FieldError("closedOn", "IN_FUTURE", "停用日期不能晚于今天。"))
        elif data.opened_on and data.closed_on < data.opened_on:
            errors.append(FieldError("closedOn", "END_BEFORE_START", "停用日期不能早于启用日期。"))
    open_kind = data.closed_on is None and data.kind in PositionKind.values
    if open_kind and _another_open(data, position_id):
        errors.append(_already_open(data.kind))
    return errors


def _another_open(data: PositionData, position_id: int | None) -> bool:
    """The community already has an open position of this kind."""
    others = Position.objects.filter(
        community=data.community, kind=data.kind, closed_on__isnull=True
    )
    return others.exclude(pk=position_id or 0).exists()


def _normalised(data: PositionData) -> PositionData:
    area = data.area_m2
    if area is not None and area.is_finite() and abs(area) < MAX_AREA:
        # As stored (one decimal), so the payload shows what a later read will.
        area = area.quantize(Decimal("0.1"))
    return replace(
        data,
        area_m2=area,
        name=data.name.strip(),
        address=data.address.strip(),
        opening_hours=data.opening_hours.strip(),
    )


def _save(position: Position) -> None:
    """The partial unique index catches an open position a concurrent request added."""
    with constraint_errors({ONE_OPEN_PER_KIND: _already_open(position.kind)}):
        position.save()


@audited("position.create")
@transaction.atomic
def position_create(*, data: PositionData) -> Position:
    data = _normalised(data)
    errors = _check(data, None)
    if errors:
        raise ValidationFailed(errors)
    position = Position(**{f.name: getattr(data, f.name) for f in fields(data)})
    _save(position)
    audit_record(
        action="position.create",
        target=position,
        changes=field_changes(None, snapshot(position, AUDIT_FIELDS)),
    )
    return position


def _update(position: Position, changes: dict[str, Any], action: str) -> Position:
    position = Position.objects.select_for_update(of=("self",)).get(pk=position.pk)
    before = snapshot(position, AUDIT_FIELDS)
    current = PositionData(**{f.name: getattr(position, f.name) for f in fields(PositionData)})
    data = _normalised(replace(current, **changes))
    errors = _check(data, position.pk)
    if errors:
        raise ValidationFailed(errors)
    for f in fields(data):
        setattr(position, f.name, getattr(data, f.name))
    _save(position)
    audit_record(
        action=action,
        target=position,
        changes=field_changes(before, snapshot(position, AUDIT_FIELDS)),
    )
    return position


@audited("position.update", target="position")
@transaction.atomic
def position_update(*, position: Position, changes: dict[str, Any]) -> Position:
    return _update(position, changes, "position.update")


@audited("position.close", target="position")
@transaction.atomic
def position_close(*, position: Position, closed_on: date) -> Position:
    """Stop using a position; its record stays, and the community may open a successor."""
    if Position.objects.filter(pk=position.pk, closed_on__isnull=False).exists():
        raise ValidationFailed.single("id", "ALREADY_CLOSED", "该阵地已停用。")
    return _update(position, {"closed_on": closed_on}, "position.close")
