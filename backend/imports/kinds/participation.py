"""活动参与: members' participation in activities, with service hours. A row names the activity
by its 活动编号 (the ID exports show, or its number) and the member by ID number; the pair is the
natural key, so a re-import sets the hours again instead of adding the member twice."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from strawberry import relay

from backend.activities.models import Activity
from backend.activities.selectors import participant_visible
from backend.activities.services.activity import check_not_cancelled
from backend.activities.services.participants import participant_hours_errors
from backend.common.graphql.node import node_pk
from backend.common.validation import FieldError, ValidationFailed
from backend.imports import values
from backend.imports.kinds.common import (
    FORBIDDEN,
    NOT_FOUND,
    WriteConflict,
    columns_by_key,
    duplicate_issue,
    field_issues,
    first_rows,
    issue,
    provided,
)
from backend.imports.kinds.member_columns import ID_NUMBER
from backend.imports.kinds.sql import fetch, upsert
from backend.imports.spec import Column, ImportContext, ParsedRow, RowIssue, WriteCounts
from backend.members.personal_data import id_number_hash

COLUMNS = (
    Column(
        "activity",
        "活动编号",
        values.code_text(200),
        required=True,
        synonyms=("活动ID", "活动代码", "活动编码"),
        comment="必填。活动导出表中的“活动编号”。",
        width=24,
    ),
    Column(
        "activity_title",
        "活动名称",
        values.text(200),
        comment="可不填；填写时须与活动编号对应的活动一致，用于核对。",
        width=24,
    ),
    ID_NUMBER,
    Column(
        "name",
        "姓名",
        values.text(50),
        synonyms=("党员姓名",),
        comment="可不填；填写时须与公民身份号码一致，用于核对。",
    ),
    Column(
        "hours",
        "服务时长（小时）",
        values.hours,
        synonyms=("服务时长(小时)", "服务时长", "时长", "服务小时数", "志愿服务时长"),
        comment="0 到 24 之间，最多一位小数；活动举行前不能登记。不填：新登记为 0，已登记的不变。",
        width=14,
    ),
)
_BY_KEY = columns_by_key(COLUMNS)
_FIELD_COLUMNS = {"members": _BY_KEY["hours"], "activityId": _BY_KEY["activity"]}
_MAX_PK = 2**63 - 1


@dataclass(frozen=True)
class _Activity:
    activity: Activity  # id, title, occurred_on and cancelled_on
    path: str  # its organising org's


@dataclass(frozen=True)
class _Member:
    id: int
    name: str
    org_path: str
    residence_path: str | None


@dataclass
class _Batch:
    activities: dict[int, _Activity]
    members: dict[str, _Member]  # by ID-number hash
    hours: dict[tuple[int, int], tuple[int, Decimal]]  # (activity, member) -> (row id, hours)
    hashes: dict[int, str]  # row number -> ID-number hash

    @classmethod
    def load(cls, rows: Sequence[ParsedRow], ctx: ImportContext, *, lock: bool) -> "_Batch":
        hashes = {row.number: id_number_hash(row.values["id_number"]) for row in rows}
        activities = _activities(ctx, {activity_pk(r) for r in rows} - {None}, lock=lock)
        members = {
            found["id_number_hash"]: _Member(
                found["id"], found["name"], found["org_path"], found["residence_path"]
            )
            for found in fetch(_MEMBERS, [list(set(hashes.values()))])
        }
        existing = fetch(
            _PARTICIPATIONS, [list(activities), [member.id for member in members.values()]]
        )
        hours = {(p["activity_id"], p["member_id"]): (p["id"], p["hours"]) for p in existing}
        return cls(activities, members, hours, hashes)


_MEMBERS = (
    "SELECT m.id, m.id_number_hash, m.name, o.path::text AS org_path,"
    " r.path::text AS residence_path"
    " FROM members_member m JOIN orgs_partyorg o ON o.id = m.org_id"
    " LEFT JOIN orgs_partyorg r ON r.id = m.residence_community_id"
    " WHERE m.id_number_hash = ANY(%s)"
)
_PARTICIPATIONS = (
    "SELECT id, activity_id, member_id, hours FROM activities_activityparticipation"
    " WHERE activity_id = ANY(%s) AND member_id = ANY(%s)"
)


def activity_pk(row: ParsedRow) -> int | None:
    """The activity a 活动编号 names in this district: its number, or its global ID."""
    ref: str = row.values["activity"]
    if ref.isdigit():
        pk = int(ref)
        return pk if 0 < pk <= _MAX_PK else None
    try:
        return node_pk(relay.GlobalID.from_id(ref), Activity)
    except (ValueError, TypeError):
        return None


def _activities(ctx: ImportContext, pks: set[int | None], *, lock: bool) -> dict[int, _Activity]:
    """The activities, each read once per import (and locked by `write` until it commits)."""
    cache: dict[int, _Activity | None] = ctx.state.setdefault("participation.activities", {})
    wanted = {pk for pk in pks if pk is not None and (lock or pk not in cache)}
    if wanted:
        found = Activity.objects.filter(pk__in=wanted).select_related("org")
        if lock:
            found = found.select_for_update(of=("self",))
        by_pk = {activity.pk: activity for activity in found}
        for pk in wanted:
            activity = by_pk.get(pk)
            cache[pk] = _Activity(activity, activity.org.path) if activity else None
    return {pk: known for pk in pks if pk is not None and (known := cache.get(pk)) is not None}


class ParticipationImport:
    code = "participation"
    label = "活动参与"
    columns: tuple[Column, ...] = COLUMNS
    batch_size = 2000

    def check(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> list[RowIssue]:
        batch = _Batch.load(rows, ctx, lock=False)
        seen = first_rows(ctx, "participation")
        issues: list[RowIssue] = []
        for row in rows:
            key = (activity_pk(row) or row.values["activity"], batch.hashes[row.number])
            duplicate = duplicate_issue(row, ID_NUMBER, seen, key)
            if duplicate is not None:
                issues.append(duplicate)
                continue
            issues.extend(_row_issues(row, ctx, batch))
        return issues

    def write(self, rows: Sequence[ParsedRow], ctx: ImportContext) -> WriteCounts:
        batch = _Batch.load(rows, ctx, lock=True)
        new_rows: list[tuple[Any, ...]] = []
        changed_rows: list[tuple[Any, ...]] = []
        for row in rows:
            found = batch.activities.get(activity_pk(row) or 0)
            member = batch.members.get(batch.hashes[row.number])
            if found is None or member is None or found.activity.cancelled_on is not None:
                raise WriteConflict("导入期间有活动被取消或删除、或党员已转出，请重新导入。")
            current = batch.hours.get((found.activity.pk, member.id))
            if current is None:
                hours = row.values.get("hours") or Decimal(0)
                new_rows.append((found.activity.pk, member.id, hours, found.activity.occurred_on))
            elif provided(ctx, row, "hours"):
                changed_rows.append((current[0], row.values.get("hours") or Decimal(0)))
        return upsert(
            "activities_activityparticipation",
            rows_total=len(rows),
            new=(_FIELDS, new_rows),
            changed=((("id", "bigint"), ("hours", "numeric")), changed_rows),
            conflict="ON CONFLICT (activity_id, member_id) DO NOTHING",
            taken="导入期间有其他操作登记了相同的参与记录，请重新导入。",
            now=(),
            touch="",
        )


_FIELDS = (
    ("activity_id", "bigint"),
    ("member_id", "bigint"),
    ("hours", "numeric"),
    ("occurred_on", "date"),
)


def _row_issues(row: ParsedRow, ctx: ImportContext, batch: _Batch) -> list[RowIssue]:
    found: list[RowIssue] = []
    known = batch.activities.get(activity_pk(row) or 0)
    activity_column = _BY_KEY["activity"]
    if known is None or not ctx.access.can_read(known.path):
        found.append(issue(row, activity_column, NOT_FOUND, "未找到该编号的活动。"))
        known = None
    elif not ctx.access.can_write(known.path):
        found.append(issue(row, activity_column, FORBIDDEN, "无权登记该活动的参与党员。"))
    member = batch.members.get(batch.hashes[row.number])
    if member is None or not participant_visible(
        ctx.access, member.org_path, member.residence_path
    ):
        found.append(issue(row, ID_NUMBER, NOT_FOUND, "未找到该公民身份号码的党员。"))
        member = None
    elif (name := row.values.get("name")) is not None and name != member.name:
        found.append(issue(row, _BY_KEY["name"], "MISMATCH", "姓名与公民身份号码不一致。"))
    if known is None:
        return found
    activity = known.activity
    title = row.values.get("activity_title")
    if title is not None and title != activity.title:
        found.append(
            issue(row, _BY_KEY["activity_title"], "MISMATCH", "活动名称与活动编号不一致。")
        )
    errors: list[FieldError] = []
    try:
        check_not_cancelled(activity, "activityId")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if row.values.get("hours") is not None:
        errors.extend(participant_hours_errors(activity, [row.values["hours"]]))
    found.extend(field_issues(row, errors, _FIELD_COLUMNS, already=found))
    return found


PARTICIPATION = ParticipationImport()
