import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.validation import FieldError, ValidationFailed
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import HOLDS_NO_MEMBERS
from backend.units.models import AssignmentRole, PartyOrgStatus, Unit, UnitAssignment, UnitKind
from backend.units.rules import COVERING_ORG_KINDS, LOCALITY_KINDS, MIN_MEMBERS_FOR_OWN_ORG

CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
CREDIT_CODE_TAKEN = FieldError("creditCode", "DUPLICATE", "该统一社会信用代码已登记。")
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
    "locality_id",
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
    locality: PartyOrg | None = None


def unit_data_errors(data: UnitData) -> list[FieldError]:
    """Every unit rule that needs no database (the unit import checks whole batches with it and
    looks up taken credit codes in bulk)."""
    errors: list[FieldError] = []
    if not data.name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写单位名称。"))
    if data.kind not in UnitKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的单位类型 {data.kind}。"))
    if data.credit_code and not CREDIT_CODE_PATTERN.match(data.credit_code):
        errors.append(FieldError("creditCode", "INVALID", "统一社会信用代码格式不正确。"))
    if data.employee_count < 0 or data.party_member_count < 0:
        errors.append(FieldError("employeeCount", "NEGATIVE", "人数不能为负数。"))
    elif data.party_member_count > data.employee_count:
        errors.append(
            FieldError("partyMemberCount", "EXCEEDS_EMPLOYEES", "党员人数不能多于职工人数。")
        )
    errors.extend(_check_coverage(data))
    errors.extend(_check_locality(data.locality))
    return errors


def _check(data: UnitData, unit_id: int | None) -> list[FieldError]:
    errors = unit_data_errors(data)
    code_valid = not any(e.field == "creditCode" for e in errors)
    others = Unit.objects.filter(credit_code=data.credit_code).exclude(id=unit_id or 0)
    if data.credit_code and code_valid and others.exists():
        errors.append(CREDIT_CODE_TAKEN)
    return errors


def _check_locality(org: PartyOrg | None) -> list[FieldError]:
    """属地: the street or community in whose area the unit sits (not the org covering it)."""
    if org is None or org.kind in LOCALITY_KINDS:
        return []
    return [
        FieldError(
            "localityId",
            "INVALID_ORG_KIND",
            "属地党组织须为街道党工委或社区党组织（社区党委、社区党总支）。",
        )
    ]


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


# --- 党建指导员 / 党建联络员 ------------------------------------------------------------------

NO_OVERLAP = "units_assignment_no_overlap_per_role"
OVERLAP = FieldError("startDate", "OVERLAP", "该单位在此期间已有同一职责的人员。")
ASSIGNMENT_FIELDS = (
    "unit_id",
    "role",
    "person_name",
    "assigned_by_id",
    "start_date",
    "end_date",
    "note",
)


@dataclass(frozen=True)
class AssignmentData:
    unit: Unit
    role: str
    person_name: str
    assigned_by: PartyOrg
    start_date: date
    end_date: date | None = None
    note: str = ""


def _assignment_errors(data: AssignmentData) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.role not in AssignmentRole.values:
        errors.append(FieldError("role", "INVALID", f"未知的职责 {data.role}。"))
    if not data.person_name:
        errors.append(FieldError("personName", "REQUIRED", "请填写姓名。"))
    elif len(data.person_name) > 50:
        errors.append(FieldError("personName", "TOO_LONG", "姓名不能超过 50 字。"))
    if len(data.note) > 200:
        errors.append(FieldError("note", "TOO_LONG", "备注不能超过 200 字。"))
    if data.assigned_by.kind in HOLDS_NO_MEMBERS:
        errors.append(
            FieldError("assignedById", "INVALID_ORG_KIND", "党小组不能选派党建指导员或联络员。")
        )
    errors.extend(_end_errors(data.start_date, data.end_date))
    if data.start_date > date.today():
        errors.append(FieldError("startDate", "IN_FUTURE", "选派日期不能晚于今天。"))
    return errors


def _end_errors(start: date, end: date | None) -> list[FieldError]:
    if end is None:
        return []
    if end < start:
        return [FieldError("endDate", "END_BEFORE_START", "结束日期不能早于选派日期。")]
    if end > date.today():
        return [FieldError("endDate", "IN_FUTURE", "结束日期不能晚于今天。")]
    return []


def _overlaps(unit: Unit, role: str, start: date, end: date | None, exclude: int | None) -> bool:
    """Another assignment of the role at the unit shares a day with [start, end) (one not yet
    ended runs on, as in the exclusion constraint)."""
    others = UnitAssignment.objects.filter(unit=unit, role=role).exclude(pk=exclude or 0)
    others = others.filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
    if end is not None:
        others = others.filter(start_date__lt=end)
    return others.exists()


def _save_assignment(assignment: UnitAssignment) -> None:
    """The exclusion constraint catches an overlap a concurrent request committed."""
    with constraint_errors({NO_OVERLAP: OVERLAP}):
        assignment.save()


@audited("unit_assignment.create")
@transaction.atomic
def unit_assignment_create(*, data: AssignmentData) -> UnitAssignment:
    # Lock the unit: two requests assigning the same role at once are checked one after the other.
    unit = Unit.objects.select_for_update(of=("self",)).get(pk=data.unit.pk)
    data = replace(data, unit=unit, person_name=data.person_name.strip(), note=data.note.strip())
    errors = _assignment_errors(data)
    if not errors and _overlaps(unit, data.role, data.start_date, data.end_date, None):
        errors.append(OVERLAP)
    if errors:
        raise ValidationFailed(errors)
    assignment = UnitAssignment(**{f.name: getattr(data, f.name) for f in fields(data)})
    _save_assignment(assignment)
    audit_record(
        action="unit_assignment.create",
        target=assignment,
        changes=field_changes(None, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    return assignment


@audited("unit_assignment.end", target="assignment")
@transaction.atomic
def unit_assignment_end(*, assignment: UnitAssignment, end_date: date) -> UnitAssignment:
    """The person's assignment ends: `end_date` is the first day they no longer serve."""
    assignment = UnitAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.end_date is not None:
        raise ValidationFailed.single("id", "ALREADY_ENDED", "该选派已结束。")
    errors = _end_errors(assignment.start_date, end_date)
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.end_date = end_date
    _save_assignment(assignment)
    audit_record(
        action="unit_assignment.end",
        target=assignment,
        changes=field_changes(before, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    return assignment


@audited("unit_assignment.delete", target="assignment")
@transaction.atomic
def unit_assignment_delete(*, assignment: UnitAssignment) -> None:
    """For a record entered by mistake; an assignment that ran its course is ended instead."""
    audit_record(
        action="unit_assignment.delete",
        target=assignment,
        changes=field_changes(snapshot(assignment, ASSIGNMENT_FIELDS), None),
    )
    assignment.delete()
