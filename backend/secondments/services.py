"""Writes of 干部下基层: second a cadre to a community, change the record, end the secondment."""

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.campaigns.models import Campaign
from backend.common.constraints import constraint_errors
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.secondments.models import Secondment
from backend.units.models import Unit

# The campaign every secondment belongs to, directly or through one of its children.
SECONDMENT_CAMPAIGN = "cadres_to_grassroots"
NO_OVERLAP = "secondments_no_overlap_per_cadre"
OVERLAP = FieldError("startedOn", "OVERLAP", "该干部在这段时间已有下派任务。")
AUDIT_FIELDS = (
    "cadre_id",
    "cadre_name",
    "rank",
    "title",
    "home_unit_id",
    "community_id",
    "campaign_id",
    "started_on",
    "planned_end_on",
    "ended_on",
    "tasks",
    "summary",
)


@dataclass(frozen=True)
class SecondmentData:
    cadre: Member | None
    community: PartyOrg
    campaign: Campaign
    started_on: date
    planned_end_on: date
    rank: str = ""
    title: str = ""
    home_unit: Unit | None = None
    tasks: str = ""
    ended_on: date | None = None
    summary: str = ""


def is_secondment_campaign(campaign: Campaign) -> bool:
    return SECONDMENT_CAMPAIGN in (campaign.code, campaign.parent.code if campaign.parent else "")


def _text_errors(data: SecondmentData) -> list[FieldError]:
    errors = []
    if len(data.rank) > 30:
        errors.append(FieldError("rank", "TOO_LONG", "职级不能超过 30 字。"))
    if len(data.title) > 100:
        errors.append(FieldError("title", "TOO_LONG", "职务不能超过 100 字。"))
    return errors


def _reference_errors(data: SecondmentData, creating: bool) -> list[FieldError]:
    errors = []
    # A cadre whose member record has gone (transferred out) keeps the secondment on record.
    if data.cadre is not None and creating and data.cadre.category != MemberCategory.IN_SERVICE:
        errors.append(
            FieldError("cadreId", "WRONG_CATEGORY", "下派干部须为在职党员（机关、单位干部）。")
        )
    if data.community.kind not in COMMUNITY_KINDS:
        errors.append(
            FieldError(
                "communityId",
                "INVALID_ORG_KIND",
                f"下派对象须为{PartyOrgKind.COMMUNITY_COMMITTEE.label}或"
                f"{PartyOrgKind.COMMUNITY_GENERAL_BRANCH.label}。",
            )
        )
    if not is_secondment_campaign(data.campaign):
        errors.append(
            FieldError("campaignId", "WRONG_CAMPAIGN", "活动载体须为“干部下基层”或其下级载体。")
        )
    return errors


def _date_errors(data: SecondmentData) -> list[FieldError]:
    errors = []
    if data.planned_end_on < data.started_on:
        errors.append(
            FieldError("plannedEndOn", "END_BEFORE_START", "计划结束日期不能早于下派日期。")
        )
    if data.ended_on is not None:
        if data.ended_on < data.started_on:
            errors.append(FieldError("endedOn", "END_BEFORE_START", "结束日期不能早于下派日期。"))
        elif data.ended_on > date.today():
            errors.append(FieldError("endedOn", "IN_FUTURE", "结束日期不能晚于今天。"))
    return errors


def _overlaps(data: SecondmentData, secondment_id: int | None) -> bool:
    """Another secondment of the cadre shares a day with [started_on, ended_on] (one not yet
    ended runs on without limit, as in the exclusion constraint)."""
    if data.cadre is None:
        return False
    others = Secondment.objects.filter(cadre=data.cadre).exclude(pk=secondment_id or 0)
    others = others.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=data.started_on))
    if data.ended_on is not None:
        others = others.filter(started_on__lte=data.ended_on)
    return others.exists()


def _check(data: SecondmentData, secondment_id: int | None) -> None:
    errors = [
        *_text_errors(data),
        *_reference_errors(data, creating=secondment_id is None),
        *_date_errors(data),
    ]
    if not any(e.field in ("startedOn", "endedOn") for e in errors) and _overlaps(
        data, secondment_id
    ):
        errors.append(OVERLAP)
    if errors:
        raise ValidationFailed(errors)


def _normalised(data: SecondmentData) -> SecondmentData:
    return replace(
        data,
        rank=data.rank.strip(),
        title=data.title.strip(),
        tasks=data.tasks.strip(),
        summary=data.summary.strip(),
    )


def _save(secondment: Secondment) -> None:
    """The exclusion constraint catches an overlap a concurrent request committed."""
    with constraint_errors({NO_OVERLAP: OVERLAP}):
        secondment.save()


def _write(secondment: Secondment, data: SecondmentData, action: str) -> Secondment:
    before = None if secondment.pk is None else snapshot(secondment, AUDIT_FIELDS)
    for f in fields(data):
        setattr(secondment, f.name, getattr(data, f.name))
    _save(secondment)
    audit_record(
        action=action,
        target=secondment,
        changes=field_changes(before, snapshot(secondment, AUDIT_FIELDS)),
    )
    return secondment


@audited("secondment.create")
@transaction.atomic
def secondment_create(*, data: SecondmentData) -> Secondment:
    if data.cadre is None:
        raise ValidationFailed.single("cadreId", "REQUIRED", "请选择下派干部。")
    # Lock the cadre: two requests seconding them at once are checked one after the other.
    cadre = (
        Member.objects.select_for_update(of=("self",))
        .select_related("work_unit")
        .get(pk=data.cadre.pk)
    )
    data = _normalised(replace(data, cadre=cadre, home_unit=data.home_unit or cadre.work_unit))
    _check(data, None)
    return _write(Secondment(cadre_name=cadre.name), data, "secondment.create")


def _current(secondment: Secondment) -> SecondmentData:
    return SecondmentData(**{f.name: getattr(secondment, f.name) for f in fields(SecondmentData)})


@audited("secondment.update", target="secondment")
@transaction.atomic
def secondment_update(*, secondment: Secondment, changes: dict[str, Any]) -> Secondment:
    secondment = Secondment.objects.select_for_update(of=("self",)).get(pk=secondment.pk)
    data = _normalised(replace(_current(secondment), **changes))
    _check(data, secondment.pk)
    return _write(secondment, data, "secondment.update")


@audited("secondment.end", target="secondment")
@transaction.atomic
def secondment_end(*, secondment: Secondment, ended_on: date, summary: str = "") -> Secondment:
    """The cadre returns to their unit; the summary records what the secondment achieved."""
    secondment = Secondment.objects.select_for_update(of=("self",)).get(pk=secondment.pk)
    if secondment.ended_on is not None:
        raise ValidationFailed.single("id", "ALREADY_ENDED", "该下派任务已结束。")
    data = _normalised(
        replace(_current(secondment), ended_on=ended_on, summary=summary or secondment.summary)
    )
    _check(data, secondment.pk)
    return _write(secondment, data, "secondment.end")
