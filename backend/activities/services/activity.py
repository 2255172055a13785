"""活动: create, change and cancel an activity."""

from dataclasses import dataclass, fields, replace
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.activities.models import MAX_HOURS, Activity, ActivityParticipation, VolunteerTeam
from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding.models import CoBuildingPair
from backend.common.validation import FieldError, ValidationFailed
from backend.councils.models import Council
from backend.orgs.models import PartyOrg

AUDIT_FIELDS = (
    "org_id",
    "title",
    "occurred_on",
    "starts_at",
    "duration_hours",
    "place",
    "campaign_id",
    "theme_id",
    "pair_id",
    "council_id",
    "volunteer_team_id",
    "cancelled_on",
    "cancel_reason",
)
# An activity may be planned up to a year ahead; later dates are typing errors.
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class ActivityData:
    org: PartyOrg
    title: str
    occurred_on: date
    starts_at: time | None = None
    duration_hours: Decimal | None = None
    place: str = ""
    description: str = ""
    campaign: Campaign | None = None
    theme: CampaignTheme | None = None
    pair: CoBuildingPair | None = None
    council: Council | None = None
    volunteer_team: VolunteerTeam | None = None


def hours_error(
    field: str, hours: Any, *, required: bool = True, limit: Decimal = MAX_HOURS
) -> FieldError | None:
    """Hours between 0 and `limit` with at most one decimal."""
    if hours is None:
        return FieldError(field, "REQUIRED", "请填写时长。") if required else None
    try:
        value = Decimal(hours)
        ok = value.is_finite() and 0 <= value <= limit
        precise = ok and value == value.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        ok = precise = False
    if not ok:
        return FieldError(field, "OUT_OF_RANGE", f"时长须在 0 到 {limit} 小时之间。")
    if not precise:
        return FieldError(field, "INVALID", "时长最多保留一位小数。")
    return None


def _under(org: PartyOrg, path: str | None) -> bool:
    """`path` lies in org's subtree (org itself or below)."""
    return path is not None and (path == org.path or path.startswith(f"{org.path}."))


def _pair_errors(data: ActivityData) -> list[FieldError]:
    pair = data.pair
    if pair is None:
        return []
    anchors = [
        pair.a_org.path if pair.a_org else None,
        pair.b_org.path if pair.b_org else None,
        pair.a_unit.covering_org.path if pair.a_unit and pair.a_unit.covering_org else None,
        pair.b_unit.covering_org.path if pair.b_unit and pair.b_unit.covering_org else None,
    ]
    errors = []
    if not any(_under(data.org, path) for path in anchors):
        errors.append(FieldError("pairId", "NOT_A_PARTY", "组织党组织不是该共建对子的一方。"))
    end = pair.ended_on or pair.ends_on
    if not pair.starts_on <= data.occurred_on <= end:
        errors.append(FieldError("pairId", "OUTSIDE_PERIOD", "活动日期不在共建对子的有效期内。"))
    return errors


def _council_errors(data: ActivityData) -> list[FieldError]:
    council = data.council
    if council is None:
        return []
    on = data.occurred_on
    members = council.memberships.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on), joined_on__lte=on
    ).filter(Q(org=data.org) | Q(unit__covering_org=data.org))
    errors = []
    if not (_under(data.org, council.host_org.path) or members.exists()):
        errors.append(
            FieldError("councilId", "NOT_A_MEMBER", "组织党组织不是该三会一站的牵头或成员单位。")
        )
    started = council.established_on is None or council.established_on <= on
    if not started or (council.dissolved_on is not None and on > council.dissolved_on):
        errors.append(FieldError("councilId", "OUTSIDE_PERIOD", "活动日期不在其存续期内。"))
    return errors


def _team_errors(data: ActivityData) -> list[FieldError]:
    team = data.volunteer_team
    if team is None:
        return []
    ended = team.dissolved_on is not None and data.occurred_on > team.dissolved_on
    if data.occurred_on < team.founded_on or ended:
        return [
            FieldError("volunteerTeamId", "TEAM_INACTIVE", "活动日期不在志愿者服务队存续期内。")
        ]
    return []


def _check(data: ActivityData) -> list[FieldError]:
    errors: list[FieldError] = []
    if not data.title:
        errors.append(FieldError("title", "REQUIRED", "请填写活动名称。"))
    elif len(data.title) > 200:
        errors.append(FieldError("title", "TOO_LONG", "活动名称不能超过 200 字。"))
    if len(data.place) > 300:
        errors.append(FieldError("place", "TOO_LONG", "地点不能超过 300 字。"))
    if (data.occurred_on - timezone.localdate()).days > MAX_DAYS_AHEAD:
        errors.append(FieldError("occurredOn", "TOO_FAR_AHEAD", "活动日期不能晚于一年以后。"))
    if data.duration_hours is not None:
        error = hours_error("durationHours", data.duration_hours)
        if error is None and Decimal(data.duration_hours) == 0:
            error = FieldError("durationHours", "NOT_POSITIVE", "时长须大于 0。")
        errors.extend([error] if error else [])
    campaign_id = data.campaign.pk if data.campaign is not None else None
    if data.theme is not None and data.theme.campaign_id != campaign_id:
        errors.append(FieldError("themeId", "THEME_NOT_IN_CAMPAIGN", "该主题不属于所选活动载体。"))
    if data.pair is not None and data.council is not None:
        errors.append(
            FieldError("councilId", "PAIR_AND_COUNCIL", "活动只能归属共建对子或三会一站之一。")
        )
    return errors + _pair_errors(data) + _council_errors(data) + _team_errors(data)


def _normalised(data: ActivityData) -> ActivityData:
    campaign = data.campaign
    if campaign is None and data.theme is not None:
        campaign = data.theme.campaign  # a theme names its campaign
    return replace(
        data,
        campaign=campaign,
        title=data.title.strip(),
        place=data.place.strip(),
        description=data.description.strip(),
    )


def check_not_cancelled(activity: Activity, field: str = "id") -> None:
    if activity.cancelled_on is not None:
        raise ValidationFailed.single(field, "ALREADY_CANCELLED", "该活动已取消。")


@audited("activity.create")
@transaction.atomic
def activity_create(*, data: ActivityData) -> Activity:
    data = _normalised(data)
    errors = _check(data)
    if errors:
        raise ValidationFailed(errors)
    activity = Activity(**{f.name: getattr(data, f.name) for f in fields(data)})
    activity.save()
    audit_record(
        action="activity.create",
        target=activity,
        changes=field_changes(None, snapshot(activity, AUDIT_FIELDS)),
    )
    return activity


@audited("activity.update", target="activity")
@transaction.atomic
def activity_update(*, activity: Activity, changes: dict[str, Any]) -> Activity:
    """Change an activity; a new date moves its participations' copy of the date with it."""
    activity = Activity.objects.select_for_update(of=("self",)).get(pk=activity.pk)
    check_not_cancelled(activity)
    before = snapshot(activity, AUDIT_FIELDS)
    current = ActivityData(**{f.name: getattr(activity, f.name) for f in fields(ActivityData)})
    if "campaign" in changes and "theme" not in changes and changes["campaign"] is None:
        changes = {**changes, "theme": None}  # clearing the campaign clears its theme
    data = _normalised(replace(current, **changes))
    errors = _check(data)
    if data.occurred_on > timezone.localdate() and _has_hours(activity):
        errors.append(
            FieldError("occurredOn", "HOURS_RECORDED", "已登记服务时长的活动不能改到将来的日期。")
        )
    if errors:
        raise ValidationFailed(errors)
    for f in fields(data):
        setattr(activity, f.name, getattr(data, f.name))
    activity.save()
    if before["occurred_on"] != activity.occurred_on:
        activity.participations.update(occurred_on=activity.occurred_on)
    audit_record(
        action="activity.update",
        target=activity,
        changes=field_changes(before, snapshot(activity, AUDIT_FIELDS)),
    )
    return activity


def _has_hours(activity: Activity) -> bool:
    return ActivityParticipation.objects.filter(activity=activity, hours__gt=0).exists()


@audited("activity.cancel", target="activity")
@transaction.atomic
def activity_cancel(*, activity: Activity, reason: str = "") -> Activity:
    """The activity did not take place: it stays on record as cancelled, and its members'
    participations go (they would otherwise count in the participation rate)."""
    activity = Activity.objects.select_for_update(of=("self",)).get(pk=activity.pk)
    check_not_cancelled(activity)
    reason = reason.strip()
    if len(reason) > 300:
        raise ValidationFailed.single("reason", "TOO_LONG", "取消原因不能超过 300 字。")
    before = snapshot(activity, AUDIT_FIELDS)
    removed = list(activity.participations.values_list("member_id", flat=True))
    activity.participations.all().delete()
    activity.cancelled_on = timezone.localdate()
    activity.cancel_reason = reason
    activity.save(update_fields=["cancelled_on", "cancel_reason", "updated_at"])
    changes = field_changes(before, snapshot(activity, AUDIT_FIELDS))
    audit_record(
        action="activity.cancel",
        target=activity,
        changes=changes,
        detail={"removed_member_ids": removed},
    )
    return activity
