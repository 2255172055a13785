"""社区表现反馈卡: issued per period for every reporter, rated, and sent to the Party organisation
of the reporter's work unit: an org of this district, another district of the platform (through
tenants.exchange: only the feedback and the keyed hash of the ID number cross), or on paper."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.in_service.models import (
    PERIOD_MONTHS_CHOICES,
    ActivityEntry,
    FeedbackCard,
    FeedbackChannel,
    FeedbackRating,
    FeedbackSettings,
    FeedbackState,
    Reporter,
    ReporterKind,
    ReportStatus,
)
from backend.in_service.periods import Period, half_year_of, parse_period
from backend.in_service.services.reporting import check_community
from backend.orgs.models import PartyOrg
from tenants.exchange import dispatch_send, on_answer, platform_district, sender_identity
from tenants.global_ids import encode_node_id
from tenants.models import Dispatch, DispatchKind

CARD_FIELDS = ("rating", "comment", "state", "recipient_org_id", "recipient_district_code")
# What a platform delivery carries: the feedback, and the hash the recipient matches on.
PAYLOAD_KEYS = (
    "period_label",
    "period_start",
    "period_end",
    "rating",
    "comment",
    "activity_count",
    "service_hours",
    "community_name",
    "sender_district_name",
    "issued_on",
    "id_number_hash",
)


def feedback_settings() -> FeedbackSettings:
    """The district's settings (the defaults until an administrator saves them)."""
    return FeedbackSettings.objects.filter(singleton=True).first() or FeedbackSettings()


@audited("in_service.settings.update")
@transaction.atomic
def feedback_settings_update(*, period_months: int) -> FeedbackSettings:
    if period_months not in PERIOD_MONTHS_CHOICES:
        raise ValidationFailed.single(
            "periodMonths", "INVALID_PERIOD", "反馈周期须为 1、3、6 或 12 个月。"
        )
    settings = feedback_settings()
    before = snapshot(settings, ("period_months",)) if settings.pk else None
    settings.period_months = period_months
    settings.save()
    audit_record(
        action="in_service.settings.update",
        target=settings,
        changes=field_changes(before, snapshot(settings, ("period_months",))),
    )
    return settings


def resolve_period(label: str, *, field_name: str = "period") -> Period:
    months = feedback_settings().period_months
    period = parse_period(label, months)
    if period is None:
        examples = {1: "2026-07", 3: "2026Q3", 6: "2026H2", 12: "2026"}
        raise ValidationFailed.single(
            field_name,
            "INVALID_PERIOD",
            f"反馈周期为 {months} 个月，反馈期应写作 {examples[months]} 的形式。",
        )
    if period.start > timezone.localdate():
        raise ValidationFailed.single(field_name, "IN_FUTURE", "该反馈期尚未开始。")
    return period


def _channel(reporter: Reporter) -> str:
    return {
        ReporterKind.LOCAL: FeedbackChannel.LOCAL,
        ReporterKind.PLATFORM: FeedbackChannel.PLATFORM,
        ReporterKind.EXTERNAL: FeedbackChannel.PRINTED,
    }[ReporterKind(reporter.kind)]


@audited("in_service.feedback.issue")
@transaction.atomic
def feedback_issue(
    *, community: PartyOrg, period: Period, issued_on: date | None = None
) -> list[FeedbackCard]:
    """Draft cards for `period` for every reporter with an active report in a half-year the
    period touches and no card for it yet. Running it again adds only the missing ones."""
    check_community(community)
    half_years = {half_year_of(period.start), half_year_of(period.end)}
    reporters = (
        Reporter.objects.filter(
            community=community,
            reports__status=ReportStatus.ACTIVE,
            reports__half_year__in=half_years,
        )
        .exclude(feedback_cards__period_start=period.start)
        .exclude(kind=ReporterKind.LOCAL, member__isnull=True)
        .select_related("member")
        .distinct()
        .order_by("id")
    )
    totals: dict[int, dict[str, Any]] = {
        row["reporter_id"]: dict(row)
        for row in ActivityEntry.objects.filter(
            reporter__community=community,
            occurred_on__gte=period.start,
            occurred_on__lte=period.end,
        )
        .values("reporter_id")
        .annotate(count=Count("id"), hours=Sum("hours"))
    }
    issued_on = issued_on or timezone.localdate()
    cards = []
    for reporter in reporters:
        total = totals.get(reporter.pk, {})
        cards.append(
            FeedbackCard(
                reporter=reporter,
                period_label=period.label,
                period_start=period.start,
                period_end=period.end,
                activity_count=total.get("count", 0),
                service_hours=total.get("hours") or Decimal("0"),
                issued_on=issued_on,
                channel=_channel(reporter),
                recipient_org_id=reporter.member.org_id if reporter.member else None,
                recipient_district_code=reporter.home_district_code,
                recipient_district_name=reporter.home_district_name,
            )
        )
    created = FeedbackCard.objects.bulk_create(cards)
    audit_record(
        action="in_service.feedback.issue",
        target=community,
        detail={"period": period.label, "cards": len(created)},
    )
    return created


def _locked(card: FeedbackCard) -> FeedbackCard:
    return (
        FeedbackCard.objects.select_for_update(of=("self",))
        .select_related("reporter__community", "reporter__member")
        .get(pk=card.pk)
    )


def _require_draft(card: FeedbackCard) -> None:
    if card.state != FeedbackState.DRAFT:
        raise ValidationFailed.single("id", "ALREADY_SENT", "该反馈卡已送达，不能再修改。")


@audited("in_service.feedback.update", target="card")
@transaction.atomic
def feedback_update(*, card: FeedbackCard, changes: dict[str, Any]) -> FeedbackCard:
    card = _locked(card)
    _require_draft(card)
    before = snapshot(card, CARD_FIELDS)
    errors = []
    if "rating" in changes and changes["rating"] not in FeedbackRating.values:
        errors.append(FieldError("rating", "INVALID", "未知的评价。"))
    if "comment" in changes:
        changes["comment"] = (changes["comment"] or "").strip()
        if len(changes["comment"]) > 2000:
            errors.append(FieldError("comment", "TOO_LONG", "评语不能超过 2000 字。"))
    if errors:
        raise ValidationFailed(errors)
    for name, value in changes.items():
        setattr(card, name, value)
    card.save()
    audit_record(
        action="in_service.feedback.update",
        target=card,
        changes=field_changes(before, snapshot(card, CARD_FIELDS)),
    )
    return card


def feedback_payload(card: FeedbackCard) -> dict[str, Any]:
    """Exactly what crosses to the recipient district (PAYLOAD_KEYS), nothing else."""
    _, sender_name = sender_identity()
    payload = {
        "period_label": card.period_label,
        "period_start": card.period_start.isoformat(),
        "period_end": card.period_end.isoformat(),
        "rating": card.rating,
        "comment": card.comment,
        "activity_count": card.activity_count,
        "service_hours": str(card.service_hours),
        "community_name": card.reporter.community.name,
        "sender_district_name": sender_name,
        "issued_on": card.issued_on.isoformat(),
        "id_number_hash": card.reporter.id_number_hash,
    }
    assert tuple(payload) == PAYLOAD_KEYS
    return payload


def sender_ref(card: FeedbackCard) -> str:
    return f"InServiceFeedbackCard:{encode_node_id(card.pk)}"


@audited("in_service.feedback.send", target="card")
@transaction.atomic
def feedback_send(*, card: FeedbackCard) -> FeedbackCard:
    card = _locked(card)
    _require_draft(card)
    if not card.rating:
        raise ValidationFailed.single("rating", "REQUIRED", "请先填写评价。")
    before = snapshot(card, CARD_FIELDS)
    reporter = card.reporter
    if card.channel == FeedbackChannel.LOCAL:
        if reporter.member is None:
            raise ValidationFailed.single(
                "id", "MEMBER_LEFT", "该党员已不在本区（组织关系已转出）。"
            )
        card.recipient_org_id = reporter.member.org_id  # where the relation is now
    elif card.channel == FeedbackChannel.PLATFORM:
        recipient = platform_district(card.recipient_district_code, field="id")
        card.save()  # the payload is built from the saved card
        dispatch = dispatch_send(
            kind=DispatchKind.FEEDBACK_CARD,
            recipient=recipient,
            sender_ref=sender_ref(card),
            payload=feedback_payload(card),
        )
        card.dispatch_id = dispatch.pk
        card.recipient_district_name = recipient.name
    card.state = FeedbackState.SENT
    card.sent_at = timezone.now()
    card.save()
    audit_record(
        action="in_service.feedback.send",
        target=card,
        changes=field_changes(before, snapshot(card, CARD_FIELDS)),
    )
    return card


@audited("in_service.feedback.acknowledge", target="card")
@transaction.atomic
def feedback_acknowledge(*, card: FeedbackCard, user: Any) -> FeedbackCard:
    """The recipient org of this district signs for a card."""
    card = _locked(card)
    if card.channel != FeedbackChannel.LOCAL or card.state == FeedbackState.DRAFT:
        raise ValidationFailed.single("id", "NOT_FOUND", "找不到该反馈卡。")
    if card.state == FeedbackState.ACKNOWLEDGED:
        raise ValidationFailed.single("id", "ALREADY_ACKNOWLEDGED", "该反馈卡已签收。")
    before = snapshot(card, CARD_FIELDS)
    card.state = FeedbackState.ACKNOWLEDGED
    card.acknowledged_at = timezone.now()
    card.acknowledged_by = user if getattr(user, "pk", None) else None
    card.save()
    audit_record(
        action="in_service.feedback.acknowledge",
        target=card,
        changes=field_changes(before, snapshot(card, CARD_FIELDS)),
    )
    return card


@on_answer(DispatchKind.FEEDBACK_CARD)
def feedback_answered(dispatch: Dispatch) -> None:
    """Runs in this (the sending) district when the recipient district signs for a card."""
    card = FeedbackCard.objects.select_for_update().filter(dispatch_id=dispatch.pk).first()
    if card is None or card.state != FeedbackState.SENT:
        return
    card.state = FeedbackState.ACKNOWLEDGED
    card.acknowledged_at = dispatch.answered_at or timezone.now()
    card.save(update_fields=["state", "acknowledged_at", "updated_at"])
    audit_record(
        action="in_service.feedback.acknowledge",
        target=card,
        detail={"by_district": dispatch.recipient.code},
    )


@dataclass(frozen=True)
class PrintableCard:
    title: str
    rows: list[tuple[str, str]]

    @property
    def text(self) -> str:
        return "\n".join([self.title, *(f"{label}：{value}" for label, value in self.rows)])


@dataclass(frozen=True)
class PrintedPerson:
    """What a printed card says about the reporter (the ID number masked)."""

    name: str
    id_number_masked: str
    work_unit: str
    post: str
    work_party_org: str
    community: str


def printed_person(card: FeedbackCard) -> PrintedPerson:
    reporter = card.reporter
    member = reporter.member
    return PrintedPerson(
        name=reporter.name,
        id_number_masked=member.id_number_masked if member else reporter.id_number_masked,
        work_unit=reporter.work_unit.name if reporter.work_unit else reporter.work_unit_name,
        post=reporter.post,
        work_party_org=reporter.work_party_org_name,
        community=reporter.community.name,
    )


def printable_card(card: FeedbackCard, person: PrintedPerson | None = None) -> PrintableCard:
    """The card as printed for a work unit outside the platform; personal data masked."""
    person = person or printed_person(card)
    rating = FeedbackRating(card.rating).label if card.rating else "（未评价）"
    return PrintableCard(
        title="在职党员社区表现反馈卡",
        rows=[
            ("姓名", person.name),
            ("公民身份号码", person.id_number_masked),
            ("工作单位", person.work_unit or "—"),
            ("职务", person.post or "—"),
            ("单位党组织", person.work_party_org or "—"),
            ("报到社区", person.community),
            ("反馈期", f"{card.period_label}（{card.period_start} 至 {card.period_end}）"),
            ("参加活动次数", str(card.activity_count)),
            ("服务时长", f"{card.service_hours} 小时"),
            ("评价", rating),
            ("评语", card.comment or "—"),
            ("填发单位", person.community),
            ("填发日期", card.issued_on.isoformat()),
        ],
    )
