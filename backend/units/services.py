import re
from dataclasses import dataclass, fields, replace
from typing import Any

from django.db import transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import HOLDS_NO_MEMBERS
from backend.units.models import PartyOrgStatus, Unit, UnitKind
from backend.units.rules import COVERING_ORG_KINDS, MIN_MEMBERS_FOR_OWN_ORG

CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# What a unit's audit entries show before and after a write.
AUDIT_FIELDS = (
    "name",
    "kind",
    "credit_code",
    "address",
    "employee_count",
    "party_member_count",
    "party_org_status",
    "covering_org_id",
)


@dataclass(frozen=True)
class UnitData:
    name: str
    kind: str
    credit_code: str | None = None
    address: str = ""
    employee_count: int = 0
    party_member_count: int = 0
    party_org_status: str = PartyOrgStatus.NONE
    covering_org: PartyOrg | None = None


def _check(data: UnitData, unit_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if not data.name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写单位名称。"))
    if data.kind not in UnitKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的单位类型 {data.kind}。"))
    if data.credit_code:
        if not CREDIT_CODE_PATTERN.match(data.credit_code):
            errors.append(FieldError("creditCode", "INVALID", "统一社会信用代码格式不正确。"))
        elif Unit.objects.filter(credit_code=data.credit_code).exclude(id=unit_id or 0).exists():
            errors.append(FieldError("creditCode", "DUPLICATE", "该统一社会信用代码已登记。"))
    if data.employee_count < 0 or data.party_member_count < 0:
        errors.append(FieldError("employeeCount", "NEGATIVE", "人数不能为负数。"))
    elif data.party_member_count > data.employee_count:
        errors.append(
            FieldError("partyMemberCount", "EXCEEDS_EMPLOYEES", "党员人数不能多于职工人数。")
        )
    errors.extend(_check_coverage(data))
    return errors


def _check_coverage(data: UnitData) -> list[FieldError]:
    status, org = data.party_org_status, data.covering_org
    if status not in PartyOrgStatus.values:
        return [FieldError("partyOrgStatus", "INVALID", f"未知的党组织建立情况 {status}。")]
    if status == PartyOrgStatus.NONE:
        if org is not None:
            return [
                FieldError("coveringOrgId", "NOT_ALLOWED", "未建立党组织的单位不能指定覆盖组织。")
            ]
        return []
    if org is None:
        return [FieldError("coveringOrgId", "REQUIRED", "请指定覆盖该单位的党组织。")]
    allowed = COVERING_ORG_KINDS.get(status)
    if allowed is not None and org.kind not in allowed:
        kinds = "、".join(PartyOrgKind(k).label for k in allowed)
        return [
            FieldError("coveringOrgId", "INVALID_ORG_KIND", f"该建立方式的覆盖组织须为{kinds}。")
        ]
    if org.kind in HOLDS_NO_MEMBERS:
        return [FieldError("coveringOrgId", "INVALID_ORG_KIND", "党小组不能作为单位的覆盖组织。")]
    if status == PartyOrgStatus.OWN and data.party_member_count < MIN_MEMBERS_FOR_OWN_ORG:
        return [
            FieldError(
                "partyMemberCount",
                "TOO_FEW_FOR_OWN_ORG",
                "单独组建党组织须有 3 名以上党员；请选择联合组建或挂靠。",
            )
        ]
    return []


@audited("unit.create")
@transaction.atomic
def unit_create(*, data: UnitData) -> Unit:
    data = replace(data, name=data.name.strip(), credit_code=data.credit_code or None)
    errors = _check(data, None)
    if errors:
        raise ValidationFailed(errors)
    unit = Unit.objects.create(**{f.name: getattr(data, f.name) for f in fields(data)})
    audit_record(
        action="unit.create",
        target=unit,
        changes=field_changes(None, snapshot(unit, AUDIT_FIELDS)),
    )
    return unit


@audited("unit.update", target="unit")
@transaction.atomic
def unit_update(*, unit: Unit, changes: dict[str, Any]) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, AUDIT_FIELDS)
    current = UnitData(**{f.name: getattr(unit, f.name) for f in fields(UnitData)})
    data = replace(current, **changes)
    data = replace(data, name=data.name.strip(), credit_code=data.credit_code or None)
    errors = _check(data, unit.pk)
    if errors:
        raise ValidationFailed(errors)
    for f in fields(data):
        setattr(unit, f.name, getattr(data, f.name))
    unit.save()
    audit_record(
        action="unit.update",
        target=unit,
        changes=field_changes(before, snapshot(unit, AUDIT_FIELDS)),
    )
    return unit
