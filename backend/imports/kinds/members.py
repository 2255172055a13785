"""党员名册: members by ID number (keyed hash), with their organisational relation by org code.

A row whose ID number is already a member's updates that member; a new org for an existing member
is an organisational-relation adjustment (党组织调整), recorded in the relation history like a
move made in the member form (see relation_moves). Gender and birth date come from the ID number;
the columns, when filled in, are cross-checked with it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from backend.common.masking import mask_phone
from backend.imports.kinds.common import (
    FORBIDDEN,
    WriteConflict,
    batch_values,
    duplicate_issue,
    field_issues,
    first_rows,
    issue,
    org_issue,
    orgs_by_code,
    provided,
)
from backend.imports.kinds.member_columns import BY_KEY, COLUMNS, FIELD_COLUMNS, ID_NUMBER
from backend.imports.kinds.relation_moves import Move, relation_moves_record
from backend.imports.kinds.sql import fetch, upsert
from backend.imports.kinds.work_units import UnitRefs
from backend.imports.spec import Column, ImportContext, ParsedRow, RowIssue, WriteCounts
from backend.members.id_numbers import parse_id_number
from backend.members.models import Gender
from backend.members.personal_data import (
    Sealed,
    id_number_hash,
    phone_hash,
    seal_id_number,
    seal_phone,
)
from backend.members.services import DUPLICATE_ID_NUMBER, MemberData, member_data_errors
from backend.orgs.models import PartyOrg
from backend.orgs.rules import HOLDS_NO_MEMBERS
from backend.transfers.models import RelationTransfer, TransferDirection, TransferStatus
from backend.transfers.services import TRANSFER_PENDING, receiving_org_errors

# A row whose org was not found is still checked by every rule that does not need the org.
_UNKNOWN_ORG = PartyOrg(kind="")
_NOTE = "党员名册导入"


@dataclass(frozen=True)
class _Existing:
    """A member already registered under a row's ID number, as check needs it."""

    id: int
    org_id: int
    org_path: str
    residence: PartyOrg | None


class MembersImport:
    code = "members"
    label = "党员名册"
    columns: tuple[Column, ...] = COLUMNS
    batch_size = 2000

    def check(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> list[RowIssue]:
        hashes = {row.number: id_number_hash(row.values["id_number"]) for row in rows}
        existing = _existing(hashes.values())
        orgs = orgs_by_code(
            ctx, batch_values(rows, "org_code") | batch_values(rows, "residence_community_code")
        )
        units = _unit_refs(ctx, rows)
        moving = {
            existing[hashes[row.number]].id
            for row in rows
            if hashes[row.number] in existing
            and (org := orgs.get(row.values["org_code"])) is not None
            and org.pk != existing[hashes[row.number]].org_id
        }
        pending = set(
            RelationTransfer.objects.filter(
                member_id__in=moving,
                direction=TransferDirection.OUT,
                status=TransferStatus.PENDING,
            ).values_list("member_id", flat=True)
        )
        seen = first_rows(ctx, "members.id_number")
        issues: list[RowIssue] = []
        for row in rows:
            number_hash = hashes[row.number]
            duplicate = duplicate_issue(row, ID_NUMBER, seen, number_hash)
            if duplicate is not None:
                issues.append(duplicate)
                continue
            issues.extend(_row_issues(row, ctx, orgs, units, existing.get(number_hash), pending))
        return issues

    def write(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> WriteCounts:
        hashes = [id_number_hash(row.values["id_number"]) for row in rows]
        locked = _locked(hashes)
        orgs = orgs_by_code(
            ctx, batch_values(rows, "org_code") | batch_values(rows, "residence_community_code")
        )
        units = _unit_refs(ctx, rows)
        new_rows: list[tuple[Any, ...]] = []
        changed_rows: list[tuple[Any, ...]] = []
        moves: list[Move] = []
        for row, number_hash in zip(rows, hashes, strict=True):
            number = row.values["id_number"]
            current = locked.get(number_hash)
            org = orgs[row.values["org_code"]]
            fields = _fields(row, ctx, orgs, units, current)
            if current is None:
                sealed = seal_id_number(number)
                new_rows.append((sealed.encrypted, sealed.hash, sealed.masked, *fields))
                continue
            if not ctx.access.can_write(current["org_path"]):
                raise WriteConflict("导入期间有党员的组织关系已被他人调整，请重新导入。")
            changed_rows.append((current["id"], *fields))
            if org.pk != current["org_id"]:
                moves.append(_move(current, org, name=row.values["name"]))
        counts = upsert(
            "members_member",
            rows_total=len(rows),
            new=(_SEALED_ID + _FIELDS, new_rows),
            changed=((("id", "bigint"), *_FIELDS), changed_rows),
            conflict="ON CONFLICT (id_number_hash) DO NOTHING",
            taken="导入期间有其他操作登记了相同公民身份号码的党员，请重新导入。",
        )
        relation_moves_record(moves, on=ctx.today, user_id=ctx.user_id, note=_NOTE)
        return counts


_SEALED_ID = (
    ("id_number_encrypted", "text"),
    ("id_number_hash", "text"),
    ("id_number_masked", "text"),
)
_FIELDS = (
    ("name", "text"),
    ("gender", "text"),
    ("birth_date", "date"),
    ("phone_encrypted", "text"),
    ("phone_hash", "text"),
    ("phone_masked", "text"),
    ("education", "text"),
    ("joined_on", "date"),
    ("status", "text"),
    ("category", "text"),
    ("org_id", "bigint"),
    ("residence_community_id", "bigint"),
    ("work_unit_id", "bigint"),
)


def _existing(hashes: Iterable[str]) -> dict[str, _Existing]:
    found = fetch(
        "SELECT m.id_number_hash, m.id, m.org_id, o.path::text AS org_path,"
        " m.residence_community_id, r.kind AS residence_kind"
        " FROM members_member m JOIN orgs_partyorg o ON o.id = m.org_id"
        " LEFT JOIN orgs_partyorg r ON r.id = m.residence_community_id"
        " WHERE m.id_number_hash = ANY(%s)",
        [list(set(hashes))],
    )
    return {
        member["id_number_hash"]: _Existing(
            id=member["id"],
            org_id=member["org_id"],
            org_path=member["org_path"],
            residence=(
                PartyOrg(id=member["residence_community_id"], kind=member["residence_kind"])
                if member["residence_community_id"]
                else None
            ),
        )
        for member in found
    }


def _locked(hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The batch's existing members, locked until the import commits."""
    found = fetch(
        "SELECT m.id, m.id_number_hash, m.id_number_masked, m.org_id, o.path::text AS org_path,"
        " o.name AS org_name, o.code AS org_code, m.phone_encrypted, m.phone_hash,"
        " m.phone_masked, m.residence_community_id, m.work_unit_id"
        " FROM members_member m JOIN orgs_partyorg o ON o.id = m.org_id"
        " WHERE m.id_number_hash = ANY(%s) FOR UPDATE OF m",
        [list(set(hashes))],
    )
    return {member["id_number_hash"]: member for member in found}


def _row_issues(
    row: ParsedRow,
    ctx: ImportContext,
    orgs: dict[str, PartyOrg],
    units: UnitRefs,
    existing: _Existing | None,
    pending: set[int],
) -> list[RowIssue]:
    found: list[RowIssue] = []
    org = orgs.get(row.values["org_code"])
    if (problem := org_issue(ctx, row, BY_KEY["org_code"], org, write=True)) is not None:
        found.append(problem)
        org = None
    residence = _residence(row, ctx, orgs, existing, found)
    if (problem := units.issue(row, ctx)) is not None:
        found.append(problem)
    if existing is not None:
        if not ctx.access.can_read(existing.org_path):
            # What the member form says too: the number is taken in this district.
            found.append(
                issue(row, ID_NUMBER, DUPLICATE_ID_NUMBER.code, DUPLICATE_ID_NUMBER.message)
            )
            return found
        if not ctx.access.can_write(existing.org_path):
            found.append(
                issue(row, ID_NUMBER, FORBIDDEN, "该党员的组织关系不在您管理的范围内，不能修改。")
            )
    data = MemberData(
        name=row.values["name"],
        id_number=row.values["id_number"],
        education=row.values["education"],
        joined_on=row.values["joined_on"],
        status=row.values["status"],
        category=row.values["category"],
        org=org or _UNKNOWN_ORG,
        gender=row.values.get("gender"),
        birth_date=row.values.get("birth_date"),
        phone=row.values.get("phone") or "",
        residence_community=residence,
    )
    _, errors = member_data_errors(data)
    if existing is not None and org is not None and org.pk != existing.org_id:
        if org.kind not in HOLDS_NO_MEMBERS:  # the member rules already refuse a 党小组
            errors.extend(receiving_org_errors(org, field="orgId"))
        if existing.id in pending:
            errors.append(TRANSFER_PENDING)
    found.extend(field_issues(row, errors, FIELD_COLUMNS, already=found))
    return found


def _residence(
    row: ParsedRow,
    ctx: ImportContext,
    orgs: dict[str, PartyOrg],
    existing: _Existing | None,
    found: list[RowIssue],
) -> PartyOrg | None:
    """The residence community after the import: the row's, or the member's current one when
    the row says nothing about it."""
    if not provided(ctx, row, "residence_community_code"):
        return existing.residence if existing is not None else None
    code = row.values.get("residence_community_code")
    if code is None:
        return None
    community = orgs.get(code)
    column = BY_KEY["residence_community_code"]
    if (problem := org_issue(ctx, row, column, community, write=False)) is not None:
        found.append(problem)
        return None
    return community


def _fields(
    row: ParsedRow,
    ctx: ImportContext,
    orgs: dict[str, PartyOrg],
    units: UnitRefs,
    current: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """The member's columns after the import (_FIELDS order); what the row leaves out stays."""
    facts = parse_id_number(row.values["id_number"])
    phone = _phone(row, ctx, current)
    if provided(ctx, row, "residence_community_code"):
        code = row.values.get("residence_community_code")
        residence_id = orgs[code].pk if code else None
    else:
        residence_id = current["residence_community_id"] if current else None
    if provided(ctx, row, "work_unit_credit_code", "work_unit_name"):
        work_unit_id = units.unit_id(row, ctx)
    else:
        work_unit_id = current["work_unit_id"] if current else None
    return (
        row.values["name"],
        Gender.MALE if facts.is_male else Gender.FEMALE,
        facts.birth_date,
        phone.encrypted,
        phone.hash,
        phone.masked,
        row.values["education"],
        row.values["joined_on"],
        row.values["status"],
        row.values["category"],
        orgs[row.values["org_code"]].pk,
        residence_id,
        work_unit_id,
    )


def _phone(row: ParsedRow, ctx: ImportContext, current: dict[str, Any] | None) -> Sealed:
    """The phone as stored after the import. The same number written the same way keeps its
    ciphertext (as Member.phone does), so an unchanged row compares equal and is left alone."""
    kept = (
        Sealed(current["phone_encrypted"], current["phone_hash"], current["phone_masked"])
        if current is not None
        else Sealed("", "", "")
    )
    if not provided(ctx, row, "phone"):
        return kept
    value = (row.values.get("phone") or "").strip()
    if (phone_hash(value), mask_phone(value)) == (kept.hash, kept.masked):
        return kept
    return seal_phone(value)


def _move(current: dict[str, Any], to_org: PartyOrg, *, name: str) -> Move:
    return Move(
        member_id=current["id"],
        member_name=name,
        id_number_masked=current["id_number_masked"],
        id_number_hash=current["id_number_hash"],
        from_org=PartyOrg(id=current["org_id"], name=current["org_name"], code=current["org_code"]),
        to_org=to_org,
    )


def _unit_refs(ctx: ImportContext, rows: Sequence[ParsedRow]) -> UnitRefs:
    return UnitRefs.load(ctx, rows, BY_KEY["work_unit_credit_code"], BY_KEY["work_unit_name"])


MEMBERS = MembersImport()
