"""Writes for help pairs (结对帮扶): households, pairs and visits.

Every service validates first (typed errors, nothing written), then writes and audits in one
transaction; the database constraints catch what a concurrent request slipped past the checks.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from backend.audit.changes import Masked, field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.periods import not_in_future
from backend.common.validation import FieldError, raise_if
from backend.help_pairs.models import (
    HelpPair,
    HelpPairEndReason,
    HelpVisit,
    HelpVisitKind,
    Household,
    HouseholdKind,
)
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS

PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# A flat number (室, or the 101 of 3-2-101) does not belong in a building-level address.
FLAT_PATTERN = re.compile(r"(\d+\s*室|\d+-\d+-\d+)")
PAIR_OVERLAP = FieldError("memberId", "ALREADY_PAIRED", "该党员与该户在此期间已结对。")
HOUSEHOLD_FIELDS = ("community_id", "head_name", "kind", "address", "size", "registered_on")
MAX_HOURS = Decimal("24")
MAX_SIZE = 30


@dataclass(frozen=True)
class HouseholdData:
    community: PartyOrg
    head_name: str
    kind: str
    address: str
    registered_on: date
    size: int = 1
    situation: str = ""
    phone: str = field(default="", repr=False)  # kept out of reprs, hence out of logs


def _household_errors(data: HouseholdData) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.community.kind not in COMMUNITY_KINDS:
        errors.append(FieldError("communityId", "INVALID_ORG_KIND", "须为社区党委或社区党总支。"))
    if not data.head_name:
        errors.append(FieldError("headName", "REQUIRED", "请填写户主姓名。"))
    elif len(data.head_name) > 50:
        errors.append(FieldError("headName", "TOO_LONG", "户主姓名不能超过 50 字。"))
    if data.kind not in HouseholdKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的困难类型 {data.kind}。"))
    if not data.address:
        errors.append(FieldError("address", "REQUIRED", "请填写住址（到楼栋）。"))
    elif len(data.address) > 100:
        errors.append(FieldError("address", "TOO_LONG", "住址不能超过 100 字。"))
    elif FLAT_PATTERN.search(data.address):
        errors.append(
            FieldError("address", "TOO_PRECISE", "住址只登记到楼栋单元（如 3幢2单元），不含门牌。")
        )
    if data.phone and not PHONE_PATTERN.match(data.phone):
        errors.append(FieldError("phone", "INVALID", "联系电话应为 11 位手机号或区号加座机号。"))
    if not 1 <= data.size <= MAX_SIZE:
        errors.append(FieldError("size", "INVALID", f"家庭人口应在 1 到 {MAX_SIZE} 之间。"))
    errors += not_in_future("registeredOn", data.registered_on)
    return errors


@audited("help_pairs.household.create")
@transaction.atomic
def household_register(*, data: HouseholdData) -> Household:
    head_name, address, phone = data.head_name.strip(), data.address.strip(), data.phone.strip()
    data = HouseholdData(
        community=data.community,
        head_name=head_name,
        kind=data.kind,
        address=address,
        registered_on=data.registered_on,
        size=data.size,
        situation=data.situation.strip(),
        phone=phone,
    )
    raise_if(_household_errors(data))
    household = Household(
        community=data.community,
        head_name=data.head_name,
        kind=data.kind,
        address=data.address,
        size=data.size,
        situation=data.situation,
        registered_on=data.registered_on,
    )
    household.set_phone(data.phone)
    household.save()
    audit_record(
        action="help_pairs.household.create",
        target=household,
        changes=field_changes(
            None,
            {
                **snapshot(household, HOUSEHOLD_FIELDS),
                "phone": Masked(household.phone_masked, household.phone_hash),
            },
        ),
    )
    return household


@audited("help_pairs.household.close", target="household")
@transaction.atomic
def household_close(*, household: Household, closed_on: date) -> Household:
    """Closing a household (销户) ends its active pairs on the same day."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    errors: list[FieldError] = []
    if household.closed_on is not None:
        errors.append(FieldError("id", "ALREADY_CLOSED", "该困难户已销户。"))
    elif closed_on < household.registered_on:
        errors.append(FieldError("closedOn", "END_BEFORE_START", "销户日期不能早于登记日期。"))
    else:
        errors += not_in_future("closedOn", closed_on)
    active = HelpPair.objects.filter(household=household, end_on__isnull=True)
    if not errors and active.filter(start_on__gt=closed_on).exists():
        errors.append(FieldError("closedOn", "END_BEFORE_START", "有结对在销户日期之后才开始。"))
    raise_if(errors)
    ended = active.update(end_on=closed_on, end_reason=HelpPairEndReason.HOUSEHOLD_CLOSED)
    household.closed_on = closed_on
    household.save(update_fields=["closed_on", "updated_at"])
    audit_record(
        action="help_pairs.household.close",
        target=household,
        changes=field_changes({"closed_on": None}, {"closed_on": closed_on}),
        detail={"pairs_ended": ended},
    )
    return household


@audited("help_pairs.pair.create")
@transaction.atomic
def pair_create(*, household: Household, member: Member, start_on: date) -> HelpPair:
    # Locked: a concurrent closing of the household waits for this write.
    household = Household.objects.select_for_update().get(pk=household.pk)
    errors: list[FieldError] = []
    if household.closed_on is not None:
        errors.append(FieldError("householdId", "CLOSED", "该困难户已销户。"))
    elif start_on < household.registered_on:
        errors.append(FieldError("startOn", "BEFORE_REGISTERED", "结对日期早于困难户登记日期。"))
    errors += not_in_future("startOn", start_on)
    if not errors:
        meets = HelpPair.objects.filter(member=member, household=household).exclude(
            end_on__lt=start_on
        )
        if meets.exists():
            errors.append(PAIR_OVERLAP)
    raise_if(errors)
    pair = HelpPair(member=member, household=household, start_on=start_on)
    with constraint_errors(
        {"help_pair_one_active": PAIR_OVERLAP, "help_pair_no_overlap": PAIR_OVERLAP}
    ):
        pair.save()
    audit_record(
        action="help_pairs.pair.create",
        target=pair,
        changes=field_changes(None, snapshot(pair, ("member_id", "household_id", "start_on"))),
    )
    return pair


@audited("help_pairs.pair.end", target="pair")
@transaction.atomic
def pair_end(*, pair: HelpPair, end_on: date, end_reason: str) -> HelpPair:
    pair = HelpPair.objects.select_for_update().get(pk=pair.pk)
    errors: list[FieldError] = []
    if pair.end_on is not None:
        errors.append(FieldError("id", "ALREADY_ENDED", "该结对已经结束。"))
    elif end_on < pair.start_on:
        errors.append(FieldError("endOn", "END_BEFORE_START", "结束日期不能早于结对日期。"))
    else:
        errors += not_in_future("endOn", end_on)
    if end_reason not in HelpPairEndReason.values:
        errors.append(FieldError("endReason", "INVALID", f"未知的结束原因 {end_reason}。"))
    if not errors and pair.visits.filter(visited_on__gt=end_on).exists():
        errors.append(FieldError("endOn", "VISITS_AFTER_END", "结束日期之后还有帮扶记录。"))
    raise_if(errors)
    pair.end_on, pair.end_reason = end_on, end_reason
    pair.save(update_fields=["end_on", "end_reason"])
    audit_record(
        action="help_pairs.pair.end",
        target=pair,
        changes=field_changes(
            {"end_on": None, "end_reason": ""}, {"end_on": end_on, "end_reason": end_reason}
        ),
    )
    return pair


@dataclass(frozen=True)
class VisitData:
    visited_on: date
    kind: str
    hours: Decimal = Decimal(0)
    amount: Decimal | None = None
    note: str = ""


@audited("help_pairs.visit.create")
@transaction.atomic
def visit_log(*, pair: HelpPair, data: VisitData) -> HelpVisit:
    # Locked: ending the pair concurrently waits, so no visit lands after its end.
    pair = HelpPair.objects.select_for_update().get(pk=pair.pk)
    errors: list[FieldError] = []
    if data.kind not in HelpVisitKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的帮扶方式 {data.kind}。"))
    if data.visited_on < pair.start_on or (pair.end_on and data.visited_on > pair.end_on):
        errors.append(FieldError("visitedOn", "OUTSIDE_PAIR", "日期不在结对期间内。"))
    else:
        errors += not_in_future("visitedOn", data.visited_on)
    if not Decimal(0) <= data.hours <= MAX_HOURS:
        errors.append(FieldError("hours", "INVALID", "时长应在 0 到 24 小时之间。"))
    elif data.hours != data.hours.quantize(Decimal("0.1")):
        errors.append(FieldError("hours", "INVALID", "时长最多保留一位小数。"))
    if data.amount is not None:
        if data.amount < 0 or data.amount >= Decimal("100000000"):
            errors.append(FieldError("amount", "INVALID", "金额应为不小于 0 的数。"))
        elif data.amount != data.amount.quantize(Decimal("0.01")):
            errors.append(FieldError("amount", "INVALID", "金额最多保留两位小数。"))
    elif data.kind == HelpVisitKind.MONEY:
        errors.append(FieldError("amount", "REQUIRED", "资金帮扶须填写金额。"))
    raise_if(errors)
    visit = HelpVisit(
        pair=pair,
        visited_on=data.visited_on,
        kind=data.kind,
        hours=data.hours,
        amount=data.amount,
        note=data.note.strip(),
    )
    visit.save()
    audit_record(
        action="help_pairs.visit.create",
        target=visit,
        changes=field_changes(
            None, snapshot(visit, ("pair_id", "visited_on", "kind", "hours", "amount"))
        ),
    )
    return visit
