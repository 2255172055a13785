"""党组织树: orgs by 组织代码, each under its parent's code. A parent may come earlier or later
in the file, or be in the district already; an existing org under a new parent code moves there
with its subtree, as in the org tree page.

The whole file is one batch: the tree is checked as a whole (kinds under kinds, cycles, scope)
against the district's tree, which is small enough to hold in memory."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings

from backend.imports import values
from backend.imports.kinds.common import (
    FORBIDDEN,
    FORBIDDEN_ORG,
    NOT_FOUND,
    WriteConflict,
    columns_by_key,
    duplicate_issue,
    field_issues,
    first_rows,
    issue,
    provided,
)
from backend.imports.kinds.org_tree import (
    Hanging,
    Node,
    Plan,
    Tree,
    ancestors,
    dependants_of,
    paths_from_parents,
)
from backend.imports.kinds.sql import insert_rows, next_ids, update_changed
from backend.imports.spec import Column, ImportContext, ParsedRow, RowIssue, WriteCounts
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import may_contain
from backend.orgs.services import (
    DUPLICATE_ROOT,
    OrgDependants,
    code_taken_error,
    kind_change_errors,
    lock_org_tree,
    org_field_errors,
)

KIND = values.Choice(
    PartyOrgKind,
    {
        "街道党工作委员会": PartyOrgKind.STREET_WORKING_COMMITTEE,
        "街道工委": PartyOrgKind.STREET_WORKING_COMMITTEE,
        "党工委": PartyOrgKind.STREET_WORKING_COMMITTEE,
        "社区党总支部": PartyOrgKind.COMMUNITY_GENERAL_BRANCH,
        "社区总支": PartyOrgKind.COMMUNITY_GENERAL_BRANCH,
        "小区党支部": PartyOrgKind.COMPOUND_BRANCH,
        "楼院党支部": PartyOrgKind.COMPOUND_BRANCH,
        "楼栋党小组": PartyOrgKind.BUILDING_GROUP,
        "单位党支部": PartyOrgKind.UNIT_ORG,
        "机关党支部": PartyOrgKind.UNIT_ORG,
        "企业党支部": PartyOrgKind.UNIT_ORG,
        "非公企业党组织": PartyOrgKind.UNIT_ORG,
        "联合支部": PartyOrgKind.JOINT_BRANCH,
    },
)
COLUMNS = (
    Column(
        "code",
        "组织代码",
        values.code_text(50),
        required=True,
        synonyms=("党组织代码", "代码", "组织编码", "编码"),
        comment="必填。1–50 位字母、数字或 _ . -，在本区唯一；重复导入按代码更新。",
        width=18,
    ),
    Column(
        "name",
        "组织名称",
        values.text(200),
        required=True,
        synonyms=("党组织名称", "名称"),
        comment="必填。",
        width=28,
    ),
    Column(
        "kind",
        "组织类型",
        KIND,
        required=True,
        synonyms=("类型", "党组织类型"),
        choices=KIND.labels,
        comment="必填。须能设在上级党组织之下（如社区党委设在街道党工委之下）。",
        width=16,
    ),
    Column(
        "parent_code",
        "上级组织代码",
        values.code_text(50),
        synonyms=("上级党组织代码", "上级代码", "上级组织编码"),
        comment="上级党组织的组织代码，可以是本表中的组织或本区已有组织；只有区委不填。",
        width=18,
    ),
    Column(
        "established_on",
        "成立日期",
        values.date_value,
        synonyms=("成立时间",),
        width=12,
    ),
    Column(
        "end_date",
        "撤销日期",
        values.date_value,
        synonyms=("撤销时间",),
        comment="临时党支部必填。",
        width=12,
    ),
)
_BY_KEY = columns_by_key(COLUMNS)
_FIELD_COLUMNS = {
    "code": _BY_KEY["code"],
    "name": _BY_KEY["name"],
    "kind": _BY_KEY["kind"],
    "parentId": _BY_KEY["parent_code"],
    "endDate": _BY_KEY["end_date"],
}
PARENT_ROW_INVALID = "PARENT_ROW_INVALID"


class OrgsImport:
    code = "orgs"
    label = "党组织"
    columns: tuple[Column, ...] = COLUMNS
    batch_size: int = getattr(settings, "DANGJIAN_IMPORT_MAX_ROWS", 200_000)

    def check(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> list[RowIssue]:
        plan = Plan(Tree.load(), {})
        seen = first_rows(ctx, "orgs.code")
        issues: dict[int, list[RowIssue]] = {}
        for row in rows:
            duplicate = duplicate_issue(row, _BY_KEY["code"], seen, row.values["code"])
            if duplicate is not None:
                issues[row.number] = [duplicate]
            else:
                plan.rows[row.values["code"]] = row
        dependants = dependants_of(
            node.id
            for code, row in plan.rows.items()
            if (node := plan.tree.by_code.get(code)) is not None and node.kind != row.values["kind"]
        )
        for row in plan.rows.values():
            issues[row.number] = _row_issues(row, ctx, plan, dependants)
        _settle(plan, issues, dependants)
        return [found for number in sorted(issues) for found in issues[number]]

    def write(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> WriteCounts:
        lock_org_tree(exclusive=True)  # a move re-paths subtrees: no other tree write meanwhile
        tree = Tree.load()
        new_codes = [row.values["code"] for row in rows if row.values["code"] not in tree.by_code]
        ids = {code: node.id for code, node in tree.by_code.items()}
        ids |= dict(zip(new_codes, next_ids("orgs_partyorg", len(new_codes)), strict=True))
        parents = {node.id: node.parent_id for node in tree.by_id.values()}
        fields: dict[str, tuple[Any, ...]] = {}
        for row in rows:
            code, parent_code = row.values["code"], row.values.get("parent_code")
            if parent_code is not None and parent_code not in ids:
                raise WriteConflict("导入期间上级党组织已被他人删除，请重新导入。")
            parents[ids[code]] = ids[parent_code] if parent_code is not None else None
            fields[code] = _fields(row, ctx, tree.by_code.get(code), parents[ids[code]])
        paths = paths_from_parents(parents)
        if len(paths) != len(parents):
            raise WriteConflict("导入期间组织树已被他人调整，请重新导入。")
        insert_rows(
            "orgs_partyorg",
            (("id", "bigint"), ("code", "text"), ("path", "ltree"), *_FIELDS),
            [(ids[code], code, paths[ids[code]], *fields[code]) for code in new_codes],
            now=("created_at", "updated_at"),
        )
        existing = [code for code in fields if code in tree.by_code]
        updated = update_changed(
            "orgs_partyorg",
            (("id", "bigint"), *_FIELDS),
            [(ids[code], *fields[code]) for code in existing],
        )
        # Moved subtrees: every org whose path is no longer its parent's plus its own id.
        update_changed(
            "orgs_partyorg",
            (("id", "bigint"), ("path", "ltree")),
            [
                (node.id, paths[node.id])
                for node in tree.by_id.values()
                if paths[node.id] != node.path
            ],
        )
        return WriteCounts(
            created=len(new_codes),
            updated=len(updated),
            unchanged=len(existing) - len(updated),
        )


_FIELDS = (
    ("name", "text"),
    ("kind", "text"),
    ("parent_id", "bigint"),
    ("established_on", "date"),
    ("end_date", "date"),
)


def _dates(
    row: ParsedRow, ctx: ImportContext, node: Node | None
) -> tuple[date | None, date | None]:
    """Established and end dates after the import: the row's, or the org's when it says nothing."""
    found: list[date | None] = []
    for key in ("established_on", "end_date"):
        if node is None or provided(ctx, row, key):
            found.append(row.values.get(key))
        else:
            found.append(getattr(node, key))
    return found[0], found[1]


def _fields(
    row: ParsedRow, ctx: ImportContext, node: Node | None, parent_id: int | None
) -> tuple[Any, ...]:
    established_on, end_date = _dates(row, ctx, node)
    return (row.values["name"], row.values["kind"], parent_id, established_on, end_date)


def _row_issues(
    row: ParsedRow, ctx: ImportContext, plan: Plan, dependants: dict[int, Hanging]
) -> list[RowIssue]:
    code, kind = row.values["code"], row.values["kind"]
    node = plan.tree.by_code.get(code)
    if node is not None and not ctx.access.can_read(node.path):
        # What the org form says too: the code is taken in this district.
        taken = code_taken_error(code)
        return [issue(row, _BY_KEY["code"], taken.code, taken.message)]
    if node is not None and not ctx.access.can_write(node.path):
        return [issue(row, _BY_KEY["code"], FORBIDDEN, "该党组织不在您管理的范围内，不能修改。")]
    found = _parent_issues(row, ctx, plan, node)
    parent_code = row.values.get("parent_code")
    parent = (
        PartyOrg(kind=plan.kind(parent_code))
        if parent_code is not None and parent_code in plan
        else None
    )
    established_on, end_date = _dates(row, ctx, node)
    errors = org_field_errors(
        code=code,
        name=row.values["name"],
        kind=kind,
        parent=parent,
        established_on=established_on,
        end_date=end_date,
    )
    root = plan.tree.root
    if (
        not found
        and parent_code is None
        and kind == PartyOrgKind.DISTRICT_COMMITTEE
        and root
        and root.code != code
    ):
        errors.append(DUPLICATE_ROOT)
    if node is not None and node.kind != kind:
        hanging = dependants[node.id]
        staying = OrgDependants(
            # Children in the file are checked against this kind on their own rows.
            child_kinds=frozenset(k for c, k in hanging.children if c not in plan.rows),
            has_members=hanging.has_members,
            has_residents=hanging.has_residents,
            covered_unit_statuses=hanging.unit_statuses,
        )
        errors.extend(kind_change_errors(kind, staying))
    found.extend(field_issues(row, errors, _FIELD_COLUMNS, already=found))
    return found


def _parent_issues(
    row: ParsedRow, ctx: ImportContext, plan: Plan, node: Node | None
) -> list[RowIssue]:
    """Where the org goes: a parent the user sees, and may write under when the org is new or
    moves there; never below itself."""
    code, parent_code = row.values["code"], row.values.get("parent_code")
    column = _BY_KEY["parent_code"]
    if parent_code is None:
        if node is None and not ctx.access.is_district_admin:
            return [
                issue(row, column, FORBIDDEN, "只有区级管理员可以导入区委（不填上级组织代码）。")
            ]
        return []
    if node is not None and node.parent_id is None:
        return [issue(row, column, "ROOT_IMMOVABLE", "区委是根组织，不能设上级组织。")]
    if node is not None and plan.tree.parent_code(node) == parent_code:
        return []  # staying where it is (even under a parent the user does not see)
    parent_node = plan.tree.by_code.get(parent_code)
    unseen = parent_node is not None and not ctx.access.can_read(parent_node.path)
    if unseen or (parent_node is None and parent_code not in plan.rows):
        # One message for both: an org outside the user's sight reads as one that is not there.
        return [issue(row, column, NOT_FOUND, "本表和本区都没有该代码的上级党组织。")]
    if parent_node is not None and not ctx.access.can_write(parent_node.path):
        return [issue(row, column, FORBIDDEN, FORBIDDEN_ORG)]
    if plan.in_cycle(code):
        return [issue(row, column, "CYCLE", "不能把党组织设在它自己或它的下级组织之下。")]
    return []


def _settle(plan: Plan, issues: dict[int, list[RowIssue]], dependants: dict[int, Hanging]) -> None:
    """Without its bad rows (SKIP_BAD_ROWS writes only the good ones) the file must still leave
    a valid tree: a row relying on a bad row (a parent new or changing kind there, a child it
    expects to move away) cannot be imported either. Repeats until no row relies on a bad one."""
    bad = {code for code, row in plan.rows.items() if issues[row.number]}
    while True:
        kept = plan.without(bad)
        blamed = {
            code: culprit
            for code, row in kept.rows.items()
            if (culprit := _relied_on(code, row, plan, kept, bad, dependants)) is not None
        }
        if not blamed:
            return
        for code, culprit in blamed.items():
            issues[plan.rows[code].number].append(
                issue(
                    plan.rows[code],
                    _BY_KEY["parent_code"],
                    PARENT_ROW_INVALID,
                    f"本行依赖的第 {plan.rows[culprit].number} 行有错误，本行无法导入。",
                )
            )
        bad |= blamed.keys()


def _relied_on(
    code: str,
    row: ParsedRow,
    plan: Plan,
    kept: Plan,
    bad: set[str],
    dependants: dict[int, Hanging],
) -> str | None:
    """The code of a bad row this good row relies on, if any."""
    parent_code = row.values.get("parent_code")
    # The parent's row is left out: a new parent does not exist, an existing one keeps its kind.
    if parent_code in bad and (
        parent_code not in plan.tree.by_code
        or not may_contain(kept.kind(parent_code), row.values["kind"])
    ):
        return str(parent_code)
    if kept.in_cycle(code):
        return next(c for c in ancestors(plan, code) if c in bad)
    node = plan.tree.by_code.get(code)
    if node is not None and node.kind != row.values["kind"]:
        for child, child_kind in dependants[node.id].children:
            if child in bad and not may_contain(row.values["kind"], child_kind):
                return child
    return None


ORGS = OrgsImport()
