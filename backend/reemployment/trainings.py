"""Writes to training records (培训记录) of an employment archive."""

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.reemployment.checks import NOTE_MAX, TEXT_MAX, not_in_future, required_text, too_long
from backend.reemployment.models import EmploymentArchive, TrainingRecord, TrainingResult
from backend.reemployment.services import archive_closed

MAX_HOURS_PER_DAY = 24


@dataclass(frozen=True)
class TrainingData:
    course: str
    provider: str
    started_on: date
    hours: Decimal
    result: str
    ended_on: date | None = None
    note: str = ""


def _check(archive: EmploymentArchive, data: TrainingData, archive_field: str) -> TrainingData:
    data = replace(
        data,
        course=data.course.strip(),
        provider=data.provider.strip(),
        note=data.note.strip(),
        hours=Decimal(data.hours),
    )
    errors: list[FieldError] = []
    if archive.closed_on is not None:
        errors.append(archive_closed(archive_field))
    errors += required_text("course", data.course, TEXT_MAX, "培训项目")
    errors += required_text("provider", data.provider, TEXT_MAX, "培训机构")
    errors += too_long("note", data.note, NOTE_MAX)
    if data.result not in TrainingResult.values:
        errors.append(FieldError("result", "INVALID", f"未知的培训结果 {data.result}。"))
    if data.started_on < archive.registered_on:
        errors.append(
            FieldError("startedOn", "BEFORE_REGISTRATION", "培训开始日期不能早于档案登记日期。")
        )
    errors += not_in_future("startedOn", data.started_on, "培训开始日期")
    errors += _end_errors(data)
    errors += _hours_errors(data)
    if errors:
        raise ValidationFailed(errors)
    return data


def _end_errors(data: TrainingData) -> list[FieldError]:
    if data.ended_on is None:
        if data.result != TrainingResult.IN_PROGRESS:
            return [FieldError("endedOn", "REQUIRED", "培训已有结果，请填写结束日期。")]
        return []
    if data.ended_on < data.started_on:
        return [FieldError("endedOn", "END_BEFORE_START", "结束日期不能早于开始日期。")]
    if data.result != TrainingResult.IN_PROGRESS and data.ended_on > date.today():
        return [FieldError("endedOn", "IN_FUTURE", "培训尚未结束，结果应为“在训”。")]
    return []


def _hours_errors(data: TrainingData) -> list[FieldError]:
    if data.hours <= 0:
        return [FieldError("hours", "INVALID", "学时须大于零。")]
    if data.hours != data.hours.quantize(Decimal("0.1")):
        return [FieldError("hours", "INVALID", "学时最多保留一位小数。")]
    if data.ended_on is not None and data.ended_on >= data.started_on:
        days = (data.ended_on - data.started_on).days + 1
        if data.hours > days * MAX_HOURS_PER_DAY:
            return [FieldError("hours", "TOO_MANY", "学时超过了培训期间的天数乘以 24。")]
    if data.hours >= Decimal("100000"):
        return [FieldError("hours", "TOO_MANY", "学时过大。")]
    return []


AUDIT_FIELDS = tuple(f.name for f in fields(TrainingData))


@audited("training_record.create", target="archive")
@transaction.atomic
def training_add(*, archive: EmploymentArchive, data: TrainingData) -> TrainingRecord:
    archive = EmploymentArchive.objects.select_for_update(of=("self",)).get(pk=archive.pk)
    data = _check(archive, data, "archiveId")
    training = TrainingRecord.objects.create(
        archive=archive, **{f.name: getattr(data, f.name) for f in fields(data)}
    )
    audit_record(
        action="training_record.create",
        target=training,
        changes=field_changes(None, snapshot(training, AUDIT_FIELDS)),
        detail={"archive_id": archive.pk},
    )
    return training


@audited("training_record.update", target="training")
@transaction.atomic
def training_update(*, training: TrainingRecord, changes: dict[str, Any]) -> TrainingRecord:
    """Correct a record or enter its outcome; `changes` holds only what the user sent."""
    training = (
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("archive")
        .get(pk=training.pk)
    )
    before = snapshot(training, AUDIT_FIELDS)
    current = TrainingData(**{f.name: getattr(training, f.name) for f in fields(TrainingData)})
    data = _check(training.archive, replace(current, **changes), "id")
    for f in fields(data):
        setattr(training, f.name, getattr(data, f.name))
    training.save()
    audit_record(
        action="training_record.update",
        target=training,
        changes=field_changes(before, snapshot(training, AUDIT_FIELDS)),
    )
    return training
