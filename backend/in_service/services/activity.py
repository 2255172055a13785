"""社区活动登记卡: dated entries of a reporter's activities and contributions in the community."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from backend.activities.models import Activity
from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.in_service.models import (
    MAX_HOURS_PER_ENTRY,
    ActivityEntry,
    ActivityKind,
    Reporter,
    ReporterKind,
)

ENTRY_FIELDS = ("reporter_id", "occurred_on", "title", "kind", "hours", "activity_id")


@dataclass(frozen=True)
class EntryData:
    occurred_on: date
    title: str
    kind: str
    hours: Decimal
    description: str = ""
    activity: Activity | None = None


def _entry_errors(data: EntryData) -> list[FieldError]:
    errors = []
    if not data.title.strip():
        errors.append(FieldError("title", "REQUIRED", "请填写事项。"))
    elif len(data.title.strip()) > 200:
        errors.append(FieldError("title", "TOO_LONG", "事项不能超过 200 字。"))
    if data.kind not in ActivityKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的类别 {data.kind}。"))
    try:
        hours = Decimal(data.hours)
        in_range = hours.is_finite() and 0 <= hours <= MAX_HOURS_PER_ENTRY
        precise = in_range and hours == hours.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        in_range = precise = False
    if not in_range:
        errors.append(
            FieldError(
                "hours", "OUT_OF_RANGE", f"服务时长须在 0 到 {MAX_HOURS_PER_ENTRY} 小时之间。"
            )
        )
    elif not precise:
        errors.append(FieldError("hours", "INVALID", "服务时长最多保留一位小数。"))
    if data.occurred_on > timezone.localdate():
        errors.append(FieldError("occurredOn", "IN_FUTURE", "日期不能晚于今天。"))
    if data.activity is not None and data.activity.cancelled_on is not None:
        errors.append(FieldError("activityId", "ALREADY_CANCELLED", "该活动已取消。"))
    elif data.activity is not None and data.activity.occurred_on != data.occurred_on:
        errors.append(FieldError("occurredOn", "DATE_MISMATCH", "日期须与所选活动的日期一致。"))
    return errors


def _reporter_errors(reporter: Reporter, field_name: str) -> list[FieldError]:
    if reporter.kind == ReporterKind.LOCAL and reporter.member_id is None:
        return [FieldError(field_name, "MEMBER_LEFT", "该党员已不在本区（组织关系已转出）。")]
    return []


@audited("in_service.entry.create")
@transaction.atomic
def entries_record(*, reporters: Sequence[Reporter], data: EntryData) -> list[ActivityEntry]:
    """The same activity for one or more reporters of a community: all are recorded, or none."""
    errors = _entry_errors(data)
    if not reporters:
        errors.append(FieldError("reporterIds", "REQUIRED", "请至少选择一名报到党员。"))
    if len({r.community_id for r in reporters}) > 1:
        errors.append(FieldError("reporterIds", "MIXED_COMMUNITIES", "所选党员须在同一社区报到。"))
    for reporter in reporters:
        errors.extend(_reporter_errors(reporter, "reporterIds"))
    if errors:
        raise ValidationFailed(errors)
    entries = []
    for reporter in reporters:
        entry = ActivityEntry(
            reporter=reporter,
            occurred_on=data.occurred_on,
            title=data.title.strip(),
            kind=data.kind,
            hours=Decimal(data.hours),
            description=data.description.strip(),
            activity=data.activity,
        )
        entry.save()
        audit_record(
            action="in_service.entry.create",
            target=entry,
            changes=field_changes(None, snapshot(entry, ENTRY_FIELDS)),
        )
        entries.append(entry)
    return entries


@audited("in_service.entry.delete", target="entry")
@transaction.atomic
def entry_delete(*, entry: ActivityEntry) -> None:
    audit_record(
        action="in_service.entry.delete",
        target=entry,
        changes=field_changes(snapshot(entry, ENTRY_FIELDS), None),
    )
    entry.delete()
