"""Writes of 活动载体: a district adds, changes and removes its own campaigns; the built-in ones
keep their code, name, parent and themes (other apps and the source document refer to them)."""

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.campaigns.models import Campaign, CampaignTheme
from backend.common.constraints import violated_constraint
from backend.common.validation import FieldError, ValidationFailed

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
AUDIT_FIELDS = ("code", "name", "description", "parent_id", "started_on", "ended_on")
# What a built-in campaign keeps: the code other apps look it up by, its name and its place.
BUILTIN_FIXED = ("code", "name", "parent", "themes")
DUPLICATE_CODE = FieldError("code", "DUPLICATE", "该代码已被其他活动载体使用。")


@dataclass(frozen=True)
class ThemeData:
    code: str
    name: str


@dataclass(frozen=True)
class CampaignData:
    code: str
    name: str
    description: str = ""
    parent: Campaign | None = None
    started_on: date | None = None
    ended_on: date | None = None
    # None: leave the themes as they are (updates); a tuple replaces them all, in order.
    themes: tuple[ThemeData, ...] | None = None


def _code_errors(field: str, code: str) -> list[FieldError]:
    if not CODE_PATTERN.match(code):
        return [
            FieldError(
                field, "INVALID", "代码须以小写字母开头，由小写字母、数字和下划线组成（2–50 位）。"
            )
        ]
    return []


def _theme_errors(themes: tuple[ThemeData, ...]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, theme in enumerate(themes):
        errors.extend(_code_errors(f"themes.{index}.code", theme.code))
        if theme.code in seen:
            errors.append(FieldError(f"themes.{index}.code", "DUPLICATE", "主题代码重复。"))
        seen.add(theme.code)
        if not theme.name:
            errors.append(FieldError(f"themes.{index}.name", "REQUIRED", "请填写主题名称。"))
        elif len(theme.name) > 100:
            errors.append(FieldError(f"themes.{index}.name", "TOO_LONG", "名称不能超过 100 字。"))
    return errors


def _parent_errors(data: CampaignData, campaign_id: int | None) -> list[FieldError]:
    if data.parent is None or campaign_id is None:
        return []
    # The new parent must not be the campaign itself or below it: walk up from the parent.
    ancestor: Campaign | None = data.parent
    for _ in range(100):
        if ancestor is None:
            return []
        if ancestor.pk == campaign_id:
            return [FieldError("parentId", "CYCLE", "不能把活动载体放在它自己或其下级之下。")]
        ancestor = ancestor.parent
    return []


def _check(data: CampaignData, campaign_id: int | None) -> list[FieldError]:
    errors = _code_errors("code", data.code)
    if not errors and Campaign.objects.filter(code=data.code).exclude(pk=campaign_id or 0).exists():
        errors.append(DUPLICATE_CODE)
    if not data.name:
        errors.append(FieldError("name", "REQUIRED", "请填写活动载体名称。"))
    elif len(data.name) > 100:
        errors.append(FieldError("name", "TOO_LONG", "名称不能超过 100 字。"))
    if data.started_on and data.ended_on and data.ended_on < data.started_on:
        errors.append(FieldError("endedOn", "END_BEFORE_START", "结束日期不能早于开始日期。"))
    errors.extend(_parent_errors(data, campaign_id))
    if data.themes is not None:
        errors.extend(_theme_errors(data.themes))
    return errors


def _normalised(data: CampaignData) -> CampaignData:
    themes = data.themes
    if themes is not None:
        themes = tuple(ThemeData(t.code.strip(), t.name.strip()) for t in themes)
    return replace(
        data,
        code=data.code.strip(),
        name=data.name.strip(),
        description=data.description.strip(),
        themes=themes,
    )


def _save(campaign: Campaign) -> None:
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError as exc:
        if violated_constraint(exc).startswith("campaigns_campaign_code"):
            raise ValidationFailed([DUPLICATE_CODE]) from None
        raise


def _replace_themes(campaign: Campaign, themes: tuple[ThemeData, ...]) -> None:
    """Upsert by code (rows other apps point at keep their id) and drop the rest."""
    kept = []
    for position, theme in enumerate(themes, start=1):
        row, _ = CampaignTheme.objects.update_or_create(
            campaign=campaign, code=theme.code, defaults={"name": theme.name, "position": position}
        )
        kept.append(row.pk)
    try:
        with transaction.atomic():
            CampaignTheme.objects.filter(campaign=campaign).exclude(pk__in=kept).delete()
    except ProtectedError:
        raise ValidationFailed.single(
            "themes", "IN_USE", "被删除的主题已有活动记录引用，不能删除。"
        ) from None


def _themes_snapshot(campaign: Campaign) -> list[str]:
    return [f"{t.code}:{t.name}" for t in campaign.themes.order_by("position", "id")]


@audited("campaign.create")
@transaction.atomic
def campaign_create(*, data: CampaignData) -> Campaign:
    data = _normalised(data)
    errors = _check(data, None)
    if errors:
        raise ValidationFailed(errors)
    campaign = Campaign(
        **{f.name: getattr(data, f.name) for f in fields(data) if f.name != "themes"},
        is_builtin=False,
    )
    _save(campaign)
    _replace_themes(campaign, data.themes or ())
    audit_record(
        action="campaign.create",
        target=campaign,
        changes=field_changes(
            None,
            {**snapshot(campaign, AUDIT_FIELDS), "themes": _themes_snapshot(campaign)},
        ),
    )
    return campaign


@audited("campaign.update", target="campaign")
@transaction.atomic
def campaign_update(*, campaign: Campaign, changes: dict[str, Any]) -> Campaign:
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    if campaign.is_builtin:
        fixed = [
            FieldError(
                "parentId" if key == "parent" else key,
                "BUILTIN",
                "内置活动载体的代码、名称、所属载体和主题不能修改。",
            )
            for key in BUILTIN_FIXED
            if key in changes and changes[key] != _current(campaign, key)
        ]
        if fixed:
            raise ValidationFailed(fixed)
    before = {**snapshot(campaign, AUDIT_FIELDS), "themes": _themes_snapshot(campaign)}
    current = CampaignData(
        **{f.name: getattr(campaign, f.name) for f in fields(CampaignData) if f.name != "themes"}
    )
    data = _normalised(replace(current, **changes))
    errors = _check(data, campaign.pk)
    if errors:
        raise ValidationFailed(errors)
    for f in fields(data):
        if f.name != "themes":
            setattr(campaign, f.name, getattr(data, f.name))
    _save(campaign)
    if data.themes is not None:
        _replace_themes(campaign, data.themes)
    audit_record(
        action="campaign.update",
        target=campaign,
        changes=field_changes(
            before, {**snapshot(campaign, AUDIT_FIELDS), "themes": _themes_snapshot(campaign)}
        ),
    )
    return campaign


def _current(campaign: Campaign, key: str) -> Any:
    if key == "themes":
        return tuple(ThemeData(t.code, t.name) for t in campaign.themes.order_by("position", "id"))
    return getattr(campaign, key)


@audited("campaign.delete", target="campaign")
@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    """Remove a district's own campaign that nothing refers to yet."""
    if campaign.is_builtin:
        raise ValidationFailed.single("id", "BUILTIN", "内置活动载体不能删除。")
    if campaign.children.exists():
        raise ValidationFailed.single("id", "HAS_CHILDREN", "该活动载体下还有下级载体。")
    pk, before = campaign.pk, snapshot(campaign, AUDIT_FIELDS)
    try:
        with transaction.atomic():
            campaign.delete()
    except (ProtectedError, IntegrityError):
        raise ValidationFailed.single(
            "id", "IN_USE", "该活动载体已有记录引用（如干部下派、活动），不能删除。"
        ) from None
    audit_record(
        action="campaign.delete",
        target=("Campaign", pk),
        changes=field_changes(before, None),
    )
