"""Writes of 共建对子: create, change, renew and end pairs, and record the services given."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding.models import (
    CoBuildingPair,
    PairCommitment,
    PairSide,
    ServiceDirection,
    ServiceRecord,
)
from backend.cobuilding.parties import Party, side_a, side_b
from backend.common.validation import FieldError, ValidationFailed

MAX_SERVICE_HOURS = Decimal("1000")
MAX_TEXT = 500
PAIR_AUDIT_FIELDS = (
    "a_org_id",
    "a_unit_id",
    "b_org_id",
    "b_unit_id",
    "campaign_id",
    "theme_id",
    "starts_on",
    "ends_on",
    "ended_on",
    "end_reason",
    "renewed_from_id",
)


@dataclass(frozen=True)
class CommitmentData:
    side: str
    text: str


@dataclass(frozen=True)
class PairData:
    a: Party
    b: Party
    starts_on: date
    ends_on: date
    campaign: Campaign | None = None
    theme: CampaignTheme | None = None
    commitments: tuple[CommitmentData, ...] = field(default_factory=tuple)


def _side_q(prefix: str, party: Party) -> Q:
    if party.org is not None:
        return Q(**{f"{prefix}_org": party.org})
    return Q(**{f"{prefix}_unit": party.unit})


def same_parties(a: Party, b: Party) -> Q:
    """Pairs between these two parties, in either order."""
    return (_side_q("a", a) & _side_q("b", b)) | (_side_q("a", b) & _side_q("b", a))


def _lock_parties(a: Party, b: Party) -> None:
    """Serialise writes for one pair of parties, so two concurrent requests cannot both pass the
    overlap check (an exclusion constraint over four nullable columns would be clumsier)."""
    key = "cobuilding:" + "|".join(f"{kind}{pk}" for kind, pk in sorted([a.key, b.key]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _overlapping(data: PairData, pair_id: int | None) -> bool:
    return (
        CoBuildingPair.objects.filter(same_parties(data.a, data.b))
        .exclude(pk=pair_id or 0)
        .annotate(effective_end=Coalesce("ended_on", "ends_on"))
        .filter(starts_on__lte=data.ends_on, effective_end__gte=data.starts_on)
        .exists()
    )


def _normalised(data: PairData) -> PairData:
    campaign = data.campaign
    if campaign is None and data.theme is not None:
        campaign = data.theme.campaign
    commitments = tuple(CommitmentData(side=c.side, text=c.text.strip()) for c in data.commitments)
    return replace(data, campaign=campaign, commitments=commitments)


def _check(data: PairData, pair: CoBuildingPair | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.a.key == data.b.key:
        errors.append(FieldError("bId", "SAME_PARTY", "共建双方不能是同一个党组织或单位。"))
    if data.ends_on < data.starts_on:
        errors.append(FieldError("endsOn", "END_BEFORE_START", "结束日期不能早于开始日期。"))
    ended_on = pair.ended_on if pair is not None else None
    if ended_on is not None and not data.starts_on <= ended_on <= data.ends_on:
        errors.append(
            FieldError("endsOn", "ENDED_OUTSIDE_PERIOD", "已解除的对子，解除日期须在期限内。")
        )
    campaign_id = data.campaign.pk if data.campaign is not None else None
    if data.theme is not None and campaign_id is not None and data.theme.campaign_id != campaign_id:
        errors.append(FieldError("themeId", "WRONG_CAMPAIGN", "该主题不属于所选活动载体。"))
    for commitment in data.commitments:
        if commitment.side not in PairSide.values:
            errors.append(FieldError("commitments", "INVALID", "承诺方须为甲方或乙方。"))
        elif not commitment.text:
            errors.append(FieldError("commitments", "REQUIRED", "请填写承诺内容。"))
        elif len(commitment.text) > MAX_TEXT:
            errors.append(FieldError("commitments", "TOO_LONG", "承诺内容不能超过 500 字。"))
    if not errors and _overlapping(data, pair.pk if pair else None):
        errors.append(
            FieldError("startsOn", "OVERLAP", "这两方在该期间已有共建对子，不能重复结对。")
        )
    return errors


def _write_commitments(pair: CoBuildingPair, commitments: tuple[CommitmentData, ...]) -> None:
    PairCommitment.objects.filter(pair=pair).delete()
    PairCommitment.objects.bulk_create(
        PairCommitment(pair=pair, side=c.side, text=c.text, position=index)
        for index, c in enumerate(commitments, start=1)
    )


def _commitment_texts(pair: CoBuildingPair) -> list[str]:
    return [f"{c.side}:{c.text}" for c in pair.commitments.all()]


def _apply(pair: CoBuildingPair, data: PairData) -> None:
    pair.a_org, pair.a_unit = data.a.org, data.a.unit
    pair.b_org, pair.b_unit = data.b.org, data.b.unit
    pair.campaign, pair.theme = data.campaign, data.theme
    pair.starts_on, pair.ends_on = data.starts_on, data.ends_on


def _create(data: PairData, *, renewed_from: CoBuildingPair | None, action: str) -> CoBuildingPair:
    data = _normalised(data)
    _lock_parties(data.a, data.b)
    errors = _check(data, None)
    if errors:
        raise ValidationFailed(errors)
    pair = CoBuildingPair(renewed_from=renewed_from)
    _apply(pair, data)
    pair.save()
    _write_commitments(pair, data.commitments)
    changes = field_changes(None, snapshot(pair, PAIR_AUDIT_FIELDS))
    if data.commitments:
        changes["commitments"] = [None, _commitment_texts(pair)]
    audit_record(action=action, target=pair, changes=changes)
    return pair


@audited("cobuilding_pair.create")
@transaction.atomic
def pair_create(*, data: PairData) -> CoBuildingPair:
    return _create(data, renewed_from=None, action="cobuilding_pair.create")


def _locked(pair: CoBuildingPair) -> CoBuildingPair:
    return (
        CoBuildingPair.objects.select_for_update(of=("self",))
        .select_related("a_org", "a_unit", "b_org", "b_unit", "campaign", "theme")
        .get(pk=pair.pk)
    )


def pair_data(pair: CoBuildingPair) -> PairData:
    return PairData(
        a=side_a(pair),
        b=side_b(pair),
        starts_on=pair.starts_on,
        ends_on=pair.ends_on,
        campaign=pair.campaign,
        theme=pair.theme,
        commitments=tuple(CommitmentData(c.side, c.text) for c in pair.commitments.all()),
    )


def _with_changes(data: PairData, changes: dict[str, Any]) -> PairData:
    """`changes` holds only what was given: starts_on, ends_on, campaign and theme (None
    clears), commitments (replace them all). Clearing the campaign clears its theme too."""
    data = replace(data, **changes)
    if "campaign" in changes and changes["campaign"] is None and "theme" not in changes:
        data = replace(data, theme=None)
    return data


@audited("cobuilding_pair.update", target="pair")
@transaction.atomic
def pair_update(*, pair: CoBuildingPair, changes: dict[str, Any]) -> CoBuildingPair:
    """Change a pair's period, campaign, theme or commitments."""
    pair = _locked(pair)
    before = snapshot(pair, PAIR_AUDIT_FIELDS)
    before_commitments = _commitment_texts(pair)
    data = _normalised(_with_changes(pair_data(pair), changes))
    _lock_parties(data.a, data.b)
    errors = _check(data, pair)
    if errors:
        raise ValidationFailed(errors)
    _apply(pair, data)
    pair.save()
    audit_changes = field_changes(before, snapshot(pair, PAIR_AUDIT_FIELDS))
    if "commitments" in changes:
        _write_commitments(pair, data.commitments)
        after_commitments = _commitment_texts(pair)
        if after_commitments != before_commitments:
            audit_changes["commitments"] = [before_commitments, after_commitments]
    audit_record(action="cobuilding_pair.update", target=pair, changes=audit_changes)
    return pair


@audited("cobuilding_pair.renew", target="pair")
@transaction.atomic
def pair_renew(
    *,
    pair: CoBuildingPair,
    ends_on: date,
    starts_on: date | None = None,
    changes: dict[str, Any] | None = None,
) -> CoBuildingPair:
    """续签: a new pair of the same parties, starting after the old one ends (by default the day
    after); campaign, theme and commitments carry over unless `changes` gives them."""
    pair = _locked(pair)
    if CoBuildingPair.objects.filter(renewed_from=pair).exists():
        raise ValidationFailed.single("id", "ALREADY_RENEWED", "该对子已续签。")
    if pair.ended_on is not None:
        raise ValidationFailed.single("id", "ENDED", "已解除的对子不能续签。")
    starts_on = starts_on or pair.ends_on + timedelta(days=1)
    if starts_on <= pair.ends_on:
        raise ValidationFailed.single(
            "startsOn", "NOT_AFTER_PREVIOUS", "续签的开始日期须晚于原对子的结束日期。"
        )
    data = _with_changes(
        pair_data(pair), {**(changes or {}), "starts_on": starts_on, "ends_on": ends_on}
    )
    return _create(data, renewed_from=pair, action="cobuilding_pair.renew")


@audited("cobuilding_pair.end", target="pair")
@transaction.atomic
def pair_end(*, pair: CoBuildingPair, ended_on: date, reason: str) -> CoBuildingPair:
    """解除: end a pair early; its service records stay."""
    pair = _locked(pair)
    reason = reason.strip()
    errors: list[FieldError] = []
    if pair.ended_on is not None:
        raise ValidationFailed.single("id", "ALREADY_ENDED", "该对子已解除。")
    if ended_on > date.today():
        errors.append(FieldError("endedOn", "IN_FUTURE", "解除日期不能晚于今天。"))
    elif ended_on < pair.starts_on:
        errors.append(FieldError("endedOn", "END_BEFORE_START", "解除日期不能早于开始日期。"))
    elif ended_on > pair.ends_on:
        errors.append(FieldError("endedOn", "AFTER_END", "该对子届时已到期，无需解除。"))
    if not reason:
        errors.append(FieldError("reason", "REQUIRED", "请填写解除原因。"))
    elif len(reason) > MAX_TEXT:
        errors.append(FieldError("reason", "TOO_LONG", "解除原因不能超过 500 字。"))
    if not errors and ServiceRecord.objects.filter(pair=pair, served_on__gt=ended_on).exists():
        errors.append(
            FieldError("endedOn", "SERVICE_AFTER_END", "解除日期之后还有服务记录，请先核对。")
        )
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(pair, PAIR_AUDIT_FIELDS)
    pair.ended_on, pair.end_reason = ended_on, reason
    pair.save(update_fields=["ended_on", "end_reason", "updated_at"])
    audit_record(
        action="cobuilding_pair.end",
        target=pair,
        changes=field_changes(before, snapshot(pair, PAIR_AUDIT_FIELDS)),
    )
    return pair


@dataclass(frozen=True)
class ServiceData:
    served_on: date
    direction: str
    description: str
    hours: Decimal
    beneficiaries: int | None = None


def _service_errors(pair: CoBuildingPair, data: ServiceData) -> list[FieldError]:
    errors: list[FieldError] = []
    last_day = pair.ended_on or pair.ends_on
    if data.served_on > date.today():
        errors.append(FieldError("servedOn", "IN_FUTURE", "服务日期不能晚于今天。"))
    elif not pair.starts_on <= data.served_on <= last_day:
        errors.append(FieldError("servedOn", "OUTSIDE_PERIOD", "服务日期须在对子的共建期限内。"))
    if data.direction not in ServiceDirection.values:
        errors.append(FieldError("direction", "INVALID", "未知的服务方向。"))
    if not data.description:
        errors.append(FieldError("description", "REQUIRED", "请填写服务内容。"))
    elif len(data.description) > MAX_TEXT:
        errors.append(FieldError("description", "TOO_LONG", "服务内容不能超过 500 字。"))
    if not data.hours.is_finite():
        errors.append(FieldError("hours", "INVALID", "服务时长须为数字。"))
    elif data.hours <= 0:
        errors.append(FieldError("hours", "NOT_POSITIVE", "服务时长须大于 0。"))
    elif data.hours > MAX_SERVICE_HOURS:
        errors.append(FieldError("hours", "TOO_LARGE", "服务时长过大，请核对（单位：小时）。"))
    if data.beneficiaries is not None and data.beneficiaries < 0:
        errors.append(FieldError("beneficiaries", "INVALID", "受益人数不能为负数。"))
    return errors


@audited("cobuilding_service.record", target="pair")
@transaction.atomic
def service_record(*, pair: CoBuildingPair, data: ServiceData) -> ServiceRecord:
    """One service one side gave the other (双向服务 is measured from these)."""
    pair = _locked(pair)
    data = replace(data, description=data.description.strip())
    errors = _service_errors(pair, data)
    if errors:
        raise ValidationFailed(errors)
    record = ServiceRecord.objects.create(
        pair=pair,
        served_on=data.served_on,
        direction=data.direction,
        description=data.description,
        hours=data.hours.quantize(Decimal("0.1")),
        beneficiaries=data.beneficiaries,
    )
    audit_record(
        action="cobuilding_service.record",
        target=record,
        changes=field_changes(
            None,
            snapshot(record, ("pair_id", "served_on", "direction", "hours", "beneficiaries")),
        ),
    )
    return record
