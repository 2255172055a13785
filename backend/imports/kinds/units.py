"""单位名册: units by 统一社会信用代码, or, for a unit without one, by exact name under the org
that covers it. A unit first imported without a credit code and later with one is the same
unit: the code is filled in."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.imports import values
from backend.imports.kinds.common import (
    FORBIDDEN,
    WriteConflict,
    batch_values,
    columns_by_key,
    duplicate_issue,
    field_issues,
    first_rows,
    issue,
    org_issue,
    orgs_by_code,
    provided,
)
from backend.imports.kinds.sql import fetch, upsert
from backend.imports.spec import Column, ImportContext, ParsedRow, RowIssue, WriteCounts
from backend.orgs.models import PartyOrg
from backend.units.models import PartyOrgStatus, UnitKind
from backend.units.services import CREDIT_CODE_TAKEN, UnitData, unit_data_errors

KIND = values.Choice(
    UnitKind,
    {
        "非公有制企业": UnitKind.NON_PUBLIC_ENTERPRISE,
        "民营企业": UnitKind.NON_PUBLIC_ENTERPRISE,
        "私营企业": UnitKind.NON_PUBLIC_ENTERPRISE,
        "机关": UnitKind.ORGAN,
        "区直机关单位": UnitKind.ORGAN,
        "区属企事业单位": UnitKind.DISTRICT_UNIT,
        "驻区企事业单位": UnitKind.RESIDENT_UNIT,
        "社团": UnitKind.SOCIAL_ORGANISATION,
        "民办非企业单位": UnitKind.SOCIAL_ORGANISATION,
    },
)
STATUS = values.Choice(
    PartyOrgStatus,
    {
        "单建": PartyOrgStatus.OWN,
        "独立组建": PartyOrgStatus.OWN,
        "联建": PartyOrgStatus.JOINT,
        "联合": PartyOrgStatus.JOINT,
        "未组建": PartyOrgStatus.NONE,
        "未建": PartyOrgStatus.NONE,
        "无": PartyOrgStatus.NONE,
    },
)
COLUMNS = (
    Column(
        "name",
        "单位名称",
        values.text(200),
        required=True,
        synonyms=("名称", "单位", "企业名称", "单位全称"),
        comment="必填。单位全称；没有统一社会信用代码的单位按名称和覆盖党组织识别。",
        width=28,
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        values.code_text(18, upper=True),
        synonyms=("信用代码", "社会信用代码", "统一信用代码"),
        comment="18 位统一社会信用代码；填写后按此代码识别单位，重复导入只会更新。",
        width=22,
    ),
    Column(
        "kind",
        "单位类型",
        KIND,
        required=True,
        synonyms=("类型", "单位性质"),
        choices=KIND.labels,
        comment="必填。",
        width=12,
    ),
    Column(
        "address",
        "地址",
        values.text(300),
        synonyms=("单位地址", "注册地址", "详细地址"),
        width=30,
    ),
    Column(
        "employee_count",
        "职工人数",
        values.integer(),
        synonyms=("职工数", "职工总数", "员工人数", "从业人员数"),
        comment="整数，不填为 0。",
        width=10,
    ),
    Column(
        "party_member_count",
        "党员人数",
        values.integer(),
        synonyms=("党员数",),
        comment="整数，不能多于职工人数；单独组建党组织须有 3 名以上党员。",
        width=10,
    ),
    Column(
        "party_org_status",
        "党组织建立情况",
        STATUS,
        synonyms=("党组织组建情况", "组建方式", "党组织组建方式"),
        choices=STATUS.labels,
        comment="不填为“未建立”；已建立的须填写覆盖党组织代码。",
        width=14,
    ),
    Column(
        "covering_org_code",
        "覆盖党组织代码",
        values.code_text(50),
        synonyms=("覆盖组织代码", "所属党组织代码", "党组织代码"),
        comment="覆盖该单位的党组织的组织代码（单独组建：单位党组织；联合组建：联合党支部）。",
        width=16,
    ),
    Column(
        "locality_code",
        "属地党组织代码",
        values.code_text(50),
        synonyms=("属地代码", "属地组织代码"),
        comment="单位所在地的街道党工委或社区党组织的组织代码。",
        width=16,
    ),
)
_BY_KEY = columns_by_key(COLUMNS)
_FIELD_COLUMNS = {
    "name": _BY_KEY["name"],
    "kind": _BY_KEY["kind"],
    "creditCode": _BY_KEY["credit_code"],
    "employeeCount": _BY_KEY["employee_count"],
    "partyMemberCount": _BY_KEY["party_member_count"],
    "partyOrgStatus": _BY_KEY["party_org_status"],
    "coveringOrgId": _BY_KEY["covering_org_code"],
    "localityId": _BY_KEY["locality_code"],
}
_ORG_CODES = ("covering_org_code", "locality_code")
# (name, covering org id or None): how a unit without a credit code is known.
_NameKey = tuple[str, int | None]


@dataclass
class _Known:
    """The batch's existing units, by credit code and (for units without one) by name key."""

    by_code: dict[str, dict[str, Any]]
    by_name: dict[_NameKey, list[dict[str, Any]]]

    def match(
        self, row: ParsedRow, covering: PartyOrg | None, ctx: ImportContext
    ) -> list[dict[str, Any]]:
        """The units the row names: the one with its credit code, else those of its name
        under its covering org that have no credit code yet (units no org covers only for
        district admins: nobody else sees them)."""
        code = row.values.get("credit_code")
        if code and code in self.by_code:
            return [self.by_code[code]]
        if covering is None and not ctx.access.is_district_admin:
            return []
        return self.by_name.get((row.values["name"], covering.pk if covering else None), [])


class UnitsImport:
    code = "units"
    label = "单位名册"
    columns: tuple[Column, ...] = COLUMNS
    batch_size = 2000

    def check(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> list[RowIssue]:
        orgs = orgs_by_code(ctx, set().union(*(batch_values(rows, key) for key in _ORG_CODES)))
        known = _known(rows, orgs, lock=False)
        seen = first_rows(ctx, "units")
        issues: list[RowIssue] = []
        for row in rows:
            key_column = _BY_KEY["credit_code" if row.values.get("credit_code") else "name"]
            duplicate = duplicate_issue(row, key_column, seen, _file_key(row))
            if duplicate is not None:
                issues.append(duplicate)
                continue
            issues.extend(_row_issues(row, ctx, orgs, known))
        return issues

    def write(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> WriteCounts:
        orgs = orgs_by_code(ctx, set().union(*(batch_values(rows, key) for key in _ORG_CODES)))
        known = _known(rows, orgs, lock=True)
        new_rows: list[tuple[Any, ...]] = []
        changed_rows: list[tuple[Any, ...]] = []
        for row in rows:
            covering = _org(orgs, row, "covering_org_code")
            matches = known.match(row, covering, ctx)
            current = matches[0] if matches else None
            if current is not None and not _writable(ctx, current["covering_path"]):
                raise WriteConflict("导入期间有单位的覆盖党组织已被他人调整，请重新导入。")
            fields = _fields(row, ctx, orgs, current)
            if current is None:
                new_rows.append(fields)
            else:
                changed_rows.append((current["id"], *fields))
        return upsert(
            "units_unit",
            rows_total=len(rows),
            new=(_FIELDS, new_rows),
            changed=((("id", "bigint"), *_FIELDS), changed_rows),
            conflict="ON CONFLICT (credit_code) WHERE credit_code IS NOT NULL DO NOTHING",
            taken="导入期间有其他操作登记了相同统一社会信用代码的单位，请重新导入。",
        )


_FIELDS = (
    ("name", "text"),
    ("credit_code", "text"),
    ("kind", "text"),
    ("address", "text"),
    ("employee_count", "integer"),
    ("party_member_count", "integer"),
    ("party_org_status", "text"),
    ("covering_org_id", "bigint"),
    ("locality_id", "bigint"),
)


def _file_key(row: ParsedRow) -> tuple[str, ...]:
    code = row.values.get("credit_code")
    if code:
        return ("code", code)
    return ("name", row.values["name"], row.values.get("covering_org_code") or "")


_FOUND = (
    "SELECT u.id, u.name, u.credit_code, u.kind, u.address, u.employee_count,"
    " u.party_member_count, u.party_org_status, u.covering_org_id,"
    " c.path::text AS covering_path, c.kind AS covering_kind,"
    " u.locality_id, l.kind AS locality_kind"
    " FROM units_unit u LEFT JOIN orgs_partyorg c ON c.id = u.covering_org_id"
    " LEFT JOIN orgs_partyorg l ON l.id = u.locality_id"
    " WHERE u.credit_code = ANY(%s) OR (u.credit_code IS NULL AND u.name = ANY(%s))"
)
# Until the import commits, nobody else changes the units it updates.
_LOCKED = _FOUND + " FOR UPDATE OF u"


def _known(rows: Sequence[ParsedRow], orgs: dict[str, PartyOrg], *, lock: bool) -> _Known:
    codes = list(batch_values(rows, "credit_code"))
    names = list(batch_values(rows, "name"))
    found = fetch(_LOCKED if lock else _FOUND, [codes, names])
    known = _Known(by_code={}, by_name={})
    for unit in found:
        if unit["credit_code"]:
            known.by_code[unit["credit_code"]] = unit
        else:
            known.by_name.setdefault((unit["name"], unit["covering_org_id"]), []).append(unit)
    return known


def _org(orgs: dict[str, PartyOrg], row: ParsedRow, key: str) -> PartyOrg | None:
    code = row.values.get(key)
    return orgs.get(code) if code else None


def _writable(ctx: ImportContext, path: str | None) -> bool:
    """Units no org covers are district-wide data: district admins only."""
    return ctx.access.is_district_admin if path is None else ctx.access.can_write(path)


def _row_issues(
    row: ParsedRow, ctx: ImportContext, orgs: dict[str, PartyOrg], known: _Known
) -> list[RowIssue]:
    found: list[RowIssue] = []
    for key in _ORG_CODES:
        code = row.values.get(key)
        if code is not None:
            problem = org_issue(ctx, row, _BY_KEY[key], orgs.get(code), write=True)
            found.extend([problem] if problem else [])
    if found:
        return found  # the unit cannot be placed, nor told apart by name
    covering = _org(orgs, row, "covering_org_code")
    matches = known.match(row, covering, ctx)
    if len(matches) > 1:
        found.append(
            issue(
                row,
                _BY_KEY["name"],
                "AMBIGUOUS",
                "该覆盖党组织下有多个同名单位，请填写统一社会信用代码。",
            )
        )
        return found
    current = matches[0] if matches else None
    if current is not None and not _writable(ctx, current["covering_path"]):
        found.append(_existing_out_of_scope(row, ctx, current))
        return found
    data = _data(row, ctx, orgs, current)
    if data.covering_org is None and not ctx.access.is_district_admin:
        found.append(
            issue(
                row,
                _BY_KEY["covering_org_code"],
                FORBIDDEN,
                "不属于任何党组织的单位只能由区级管理员导入，请填写覆盖党组织代码。",
            )
        )
    found.extend(field_issues(row, unit_data_errors(data), _FIELD_COLUMNS, already=found))
    return found


def _existing_out_of_scope(row: ParsedRow, ctx: ImportContext, current: dict[str, Any]) -> RowIssue:
    path = current["covering_path"]
    readable = ctx.access.is_district_admin if path is None else ctx.access.can_read(path)
    if not readable:
        # Only a credit code matches a unit outside the user's sight, and the unit form says
        # the same: the code is taken.
        return issue(row, _BY_KEY["credit_code"], CREDIT_CODE_TAKEN.code, CREDIT_CODE_TAKEN.message)
    return issue(row, _BY_KEY["name"], FORBIDDEN, "该单位不在您管理的范围内，不能修改。")


def _data(
    row: ParsedRow,
    ctx: ImportContext,
    orgs: dict[str, PartyOrg],
    current: dict[str, Any] | None,
) -> UnitData:
    """The unit after the import: what the row gives, the rest as it is (or the defaults)."""

    def given(key: str, default: Any) -> Any:
        if provided(ctx, row, key):
            value = row.values.get(key)
            return default if value is None else value
        return current[key] if current is not None else default

    def org(key: str, id_column: str, kind_column: str) -> PartyOrg | None:
        if provided(ctx, row, key):
            return _org(orgs, row, key)
        if current is None or current[id_column] is None:
            return None
        return PartyOrg(id=current[id_column], kind=current[kind_column])

    return UnitData(
        name=row.values["name"],
        kind=row.values["kind"],
        credit_code=row.values.get("credit_code") or (current or {}).get("credit_code"),
        address=given("address", ""),
        employee_count=given("employee_count", 0),
        party_member_count=given("party_member_count", 0),
        party_org_status=given("party_org_status", PartyOrgStatus.NONE),
        covering_org=org("covering_org_code", "covering_org_id", "covering_kind"),
        locality=org("locality_code", "locality_id", "locality_kind"),
    )


def _fields(
    row: ParsedRow,
    ctx: ImportContext,
    orgs: dict[str, PartyOrg],
    current: dict[str, Any] | None,
) -> tuple[Any, ...]:
    data = _data(row, ctx, orgs, current)
    return (
        data.name,
        data.credit_code,
        data.kind,
        data.address,
        data.employee_count,
        data.party_member_count,
        data.party_org_status,
        data.covering_org.pk if data.covering_org else None,
        data.locality.pk if data.locality else None,
    )


UNITS = UnitsImport()
