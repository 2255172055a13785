"""Asking for an export: checked, deduplicated per user and request, run by a worker as a job.

Full ID numbers and phones go out only with `unmask`, which needs the requester's unmask grant
over the whole subtree exported and a stated purpose; the grant of the request is recorded in the
audit trail (personal_data.unmask) with the job it belongs to, and a refusal is recorded too."""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from backend.access.scopes import Access
from backend.audit.models import AuditResult
from backend.audit.services import audit_unmask
from backend.common.validation import FieldError, ValidationFailed, raise_if
from backend.exports.kinds import KINDS
from backend.exports.spec import ExportFilters, ExportFormat, ExportKindCode
from backend.jobs.models import Job
from backend.jobs.services import job_request
from backend.members.models import MemberCategory
from backend.metrics.definitions import BY_CODE
from backend.metrics.periods import Period
from backend.orgs.models import PartyOrg

KIND_PREFIX = "exports."
REVEALED_FIELDS = ("id_number", "phone")
# API field names of the conditions (ExportInput), for errors.
_FILTER_FIELDS = {
    "category": "category",
    "start": "start",
    "end": "end",
    "metric": "metric",
    "period": "period",
    "breakdown": "breakdown",
}


def job_kind(code: ExportKindCode) -> str:
    return f"{KIND_PREFIX}{code.value}"


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKindCode
    format: ExportFormat = ExportFormat.XLSX
    within: PartyOrg | None = None  # already checked readable by the caller
    filters: ExportFilters = field(default_factory=ExportFilters)
    unmask: bool = False
    purpose: str = ""


def unmask_permitted(access: Access, within: PartyOrg | None) -> bool:
    """The unmask grant covers everything the export can contain: the named subtree, or without
    one, every subtree the requester may read (the district for district-wide readers)."""
    if within is not None:
        return access.can_unmask(str(within.path))
    if access.read_paths is None:
        return access.unmask_paths is None
    return all(access.can_unmask(path) for path in access.read_paths)


def _filter_errors(request: ExportRequest) -> list[FieldError]:
    kind = KINDS[request.kind]
    given = request.filters.as_json()
    errors = [
        FieldError(_FILTER_FIELDS[name], "NOT_APPLICABLE", f"{kind.label}导出不支持此条件。")
        for name in given
        if name not in kind.filters
    ]
    filters = request.filters
    if filters.category is not None and filters.category not in MemberCategory.values:
        errors.append(FieldError("category", "INVALID", "未知的党员类别。"))
    if filters.start and filters.end and filters.start > filters.end:
        errors.append(FieldError("end", "OUT_OF_RANGE", "结束日期不能早于开始日期。"))
    if request.kind is ExportKindCode.METRIC_TABLE:
        errors += _metric_errors(filters)
    return errors


def _metric_errors(filters: ExportFilters) -> list[FieldError]:
    errors = []
    definition = BY_CODE.get(filters.metric or "")
    if not filters.metric:
        errors.append(FieldError("metric", "REQUIRED", "请选择指标。"))
    elif definition is None:
        errors.append(FieldError("metric", "UNKNOWN_METRIC", "没有这个指标。"))
    elif filters.breakdown and filters.breakdown not in definition.breakdowns:
        errors.append(FieldError("breakdown", "UNKNOWN_BREAKDOWN", "该指标没有这个分类。"))
    if not filters.period:
        errors.append(FieldError("period", "REQUIRED", "请给出期间，如 2026、2026-Q4 或 2026-11。"))
    else:
        try:
            Period.parse(filters.period, field="period")
        except ValidationFailed as exc:
            errors += exc.errors
    return errors


def _unmask_errors(request: ExportRequest) -> list[FieldError]:
    if not request.unmask:
        return []
    if not KINDS[request.kind].has_personal_data:
        return [FieldError("unmask", "NOT_APPLICABLE", "该导出不含个人身份信息。")]
    if not 2 <= len(request.purpose.strip()) <= 200:
        return [FieldError("purpose", "REQUIRED", "请说明导出完整身份信息的用途（2–200 字）。")]
    return []


def _params(request: ExportRequest) -> dict[str, Any]:
    params: dict[str, Any] = {
        "kind": request.kind.value,
        "format": request.format.value,
        "within_org_id": request.within.pk if request.within is not None else None,
        "filters": request.filters.as_json(),
        "unmask": request.unmask,
    }
    if request.unmask:
        params["purpose"] = request.purpose.strip()
    return params


def _dedupe_key(user: Any, params: dict[str, Any]) -> str:
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False)
    return f"user={user.pk};{hashlib.sha256(canonical.encode()).hexdigest()}"


def export_request(*, request: ExportRequest, user: Any, access: Access) -> tuple[Job, bool]:
    """The export as a job (returns (job, created)): the same request by the same user while
    one is queued or running returns that job."""
    from backend.exports.tasks import run_export_task

    raise_if(_filter_errors(request) + _unmask_errors(request))
    if request.unmask and not unmask_permitted(access, request.within):
        # Recorded before raising and outside any transaction, so the refusal stays on record.
        audit_unmask(
            target=None,
            fields=REVEALED_FIELDS,
            purpose=request.purpose.strip()[:200],
            result=AuditResult.REFUSED,
            reason="NO_UNMASK_PERMISSION",
            actor=user,
        )
        raise ValidationFailed.single("unmask", "FORBIDDEN", "您没有导出完整身份信息的权限。")
    params = _params(request)
    with transaction.atomic():
        job, created = job_request(
            kind=job_kind(request.kind),
            dedupe_key=_dedupe_key(user, params),
            params=params,
            user=user,
            enqueue=lambda new: run_export_task.apply_async(args=[new.pk]),
        )
        if created and request.unmask:
            audit_unmask(
                target=("ExportJob", job.pk),
                fields=REVEALED_FIELDS,
                purpose=params["purpose"],
                actor=user,
            )
    return job, created
