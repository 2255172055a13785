"""GraphQL types of the in-service app. Each type's get_queryset applies the reader's scope: the
community reported to (and, for feedback cards, the organisation they were sent to)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Q, QuerySet
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of
from backend.access.relations import SCOPED_MARK, ScopedRelation, mark_scoped
from backend.activities.graphql_types import ActivityType
from backend.common.graphql.fields import model_type
from backend.common.graphql.node import DistrictNode
from backend.in_service import selectors
from backend.in_service.models import (
    ActivityEntry,
    ActivityKind,
    FeedbackCard,
    FeedbackChannel,
    FeedbackRating,
    FeedbackSettings,
    FeedbackState,
    Report,
    Reporter,
    ReporterKind,
    ReportStatus,
    SkillTag,
)
from backend.in_service.periods import period_before, period_containing
from backend.in_service.services.feedback import PrintedPerson, printable_card, printed_person
from backend.members.graphql import Gender
from backend.members.models import Member
from backend.orgs.graphql import PartyOrgType
from backend.units.graphql import UnitType
from tenants.global_ids import encode_node_id
from tenants.models import Dispatch, DispatchState

strawberry.enum(SkillTag, name="InServiceSkill", description="在职党员特长类别")
strawberry.enum(ReporterKind, name="InServiceReporterKind", description="报到人类型")
strawberry.enum(ReportStatus, name="InServiceReportStatus", description="报到状态")
strawberry.enum(ActivityKind, name="InServiceActivityKind", description="社区活动登记类别")
strawberry.enum(FeedbackRating, name="InServiceFeedbackRating", description="表现评价")
strawberry.enum(FeedbackChannel, name="InServiceFeedbackChannel", description="反馈卡送达方式")
strawberry.enum(FeedbackState, name="InServiceFeedbackState", description="反馈卡状态")

PRINT_PATH = "/cards/feedback/{}/"


def _paths(obj: Any) -> list[str] | None:
    """The org paths whose readers may see one of our objects (None: not one of ours)."""
    if isinstance(obj, Reporter | Report):
        return [obj.community.path]
    if isinstance(obj, Member):
        paths = [obj.org.path]
        if obj.residence_community is not None:
            paths.append(obj.residence_community.path)
        return paths
    return None


class InServiceScoped(ScopedRelation):
    """ScopedRelation that also knows this app's anchors: a reporter or report is visible to its
    community's readers, an in-service member also to those of their residence community. Only
    objects not loaded through a scoped get_queryset (a mutation's result) are checked here."""

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        related = next_(source, info, **kwargs)
        if related is None or getattr(related, SCOPED_MARK, False):
            return related
        paths = _paths(related)
        if paths is None:
            return super().resolve(lambda *_a, **_k: related, source, info, **kwargs)
        access = access_of(info)
        return related if any(access.can_read(path) for path in paths) else None


def _reported_half_years(info: Info) -> ArraySubquery:
    return ArraySubquery(
        Report.objects.filter(
            reporter__member=OuterRef("pk"),
            community=OuterRef("residence_community"),
            status=ReportStatus.ACTIVE,
        )
        .order_by("half_year")
        .values("half_year")
    )


@model_type(
    Member, name="InServiceMember", description="在职党员, as their residence community sees them."
)
class InServiceMemberType(DistrictNode):
    name: str
    gender: Gender
    org: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="组织关系所在党组织; null outside your scope"
    )
    residence_community: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="居住社区; null outside your scope"
    )
    work_unit: UnitType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="工作单位; null outside your scope"
    )

    # Permission rule: an in-service member is visible where their relation is held, and to
    # the community they live in (where they report).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Member], info: Info, **kwargs: Any) -> Any:
        access = access_of(info)
        scope = access.read_filter("org__path") | access.read_filter("residence_community__path")
        return mark_scoped(queryset.filter(scope))

    @strawberry_django.field(only=["id_number_masked"], description="Masked: 110***********1234.")
    def id_number(self, root: strawberry.Parent[Member]) -> str:
        return root.id_number_masked

    @strawberry_django.field(only=["phone_masked"], description="Masked: 138****1234.")
    def phone(self, root: strawberry.Parent[Member]) -> str:
        return root.phone_masked

    @strawberry_django.field(
        annotate={"reported_half_years": _reported_half_years},
        description="Half-years with an active report to the residence community, oldest first.",
    )
    def reported_half_years(self, root: strawberry.Parent[Member]) -> list[str]:
        return list(getattr(root, "reported_half_years", None) or [])


@model_type(Report, name="InServiceReport", description="报到: a report for one half-year.")
class InServiceReportType(DistrictNode):
    half_year: str = strawberry_django.field(description="e.g. 2026H2")
    reported_on: date
    status: ReportStatus
    cancelled_on: date | None
    cancel_reason: str
    community: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])
    reporter: "InServiceReporterType | None" = strawberry_django.field(
        extensions=[InServiceScoped()]
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Report], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))


@model_type(
    Reporter,
    name="InServiceReporter",
    description="报到党员 and their information card (信息卡): work unit, post, skills.",
)
class InServiceReporterType(DistrictNode):
    kind: ReporterKind
    name: str
    community: PartyOrgType | None = strawberry_django.field(extensions=[ScopedRelation()])
    member: InServiceMemberType | None = strawberry_django.field(
        extensions=[InServiceScoped()],
        description="The member of this district (kind LOCAL); null for others or if they left.",
    )
    home_district_code: str = strawberry_django.field(description="kind PLATFORM: 组织关系所在区")
    home_district_name: str
    work_party_org_name: str = strawberry_django.field(description="kind EXTERNAL: 单位党组织")
    work_unit: UnitType | None = strawberry_django.field(extensions=[ScopedRelation()])
    work_unit_name: str = strawberry_django.field(
        description="工作单位 (text, when not a unit here)"
    )
    post: str = strawberry_django.field(description="职务")
    skills: list[SkillTag] = strawberry_django.field(description="特长")
    skill_note: str = strawberry_django.field(description="特长说明")
    reports: list[InServiceReportType] = strawberry_django.field(description="Newest first.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Reporter], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(queryset.filter(access_of(info).read_filter("community__path")))

    @strawberry_django.field(
        only=["id_number_masked"],
        description="Masked, for reporters from elsewhere; see member.idNumber for ours.",
    )
    def id_number(self, root: strawberry.Parent[Reporter]) -> str:
        return root.id_number_masked

    @strawberry_django.field(only=["phone_masked"], description="Masked, as idNumber.")
    def phone(self, root: strawberry.Parent[Reporter]) -> str:
        return root.phone_masked


@model_type(ActivityEntry, name="InServiceActivityEntry", description="社区活动登记卡的一条登记")
class InServiceActivityEntryType(DistrictNode):
    occurred_on: date
    title: str
    kind: ActivityKind
    hours: Decimal
    description: str
    reporter: InServiceReporterType | None = strawberry_django.field(extensions=[InServiceScoped()])
    activity: ActivityType | None = strawberry_django.field(
        extensions=[ScopedRelation()],
        select_related=["activity__org"],
        description="活动 the entry records a part in; null if none or outside your scope",
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[ActivityEntry], info: Info, **kwargs: Any) -> Any:
        return mark_scoped(
            queryset.filter(access_of(info).read_filter("reporter__community__path"))
        )


@strawberry.type(name="InServiceCardLine", description="A labelled line of a printed card.")
class CardLine:
    label: str
    value: str


@strawberry.type(name="InServicePrintableCard", description="A card as printed on paper.")
class PrintableCardType:
    title: str
    lines: list[CardLine]
    text: str = strawberry.field(description="The same, as plain text.")


# Read through annotations, not through `reporter`: the optimizer prefetches `reporter` for the
# scoped reporter field with only the columns asked there, and these would each cost a query.
_PERSON = {
    "p_name": F("reporter__name"),
    "p_masked": F("reporter__id_number_masked"),
    "p_member_masked": F("reporter__member__id_number_masked"),
    "p_unit": F("reporter__work_unit__name"),
    "p_unit_text": F("reporter__work_unit_name"),
    "p_post": F("reporter__post"),
    "p_party_org": F("reporter__work_party_org_name"),
    "p_community": F("reporter__community__name"),
}
_CARD_COLUMNS = [
    "period_label",
    "period_start",
    "period_end",
    "activity_count",
    "service_hours",
    "rating",
    "comment",
    "issued_on",
]


def _person(card: FeedbackCard) -> PrintedPerson:
    if not hasattr(card, "p_name"):
        return printed_person(card)
    values: Any = card
    return PrintedPerson(
        name=values.p_name,
        id_number_masked=values.p_member_masked or values.p_masked,
        work_unit=values.p_unit or values.p_unit_text,
        post=values.p_post,
        work_party_org=values.p_party_org,
        community=values.p_community,
    )


@model_type(FeedbackCard, name="InServiceFeedbackCard", description="社区表现反馈卡")
class InServiceFeedbackCardType(DistrictNode):
    period_label: str = strawberry_django.field(description="e.g. 2026Q3")
    period_start: date
    period_end: date
    comment: str
    activity_count: int = strawberry_django.field(description="参加活动次数 in the period")
    service_hours: Decimal = strawberry_django.field(description="服务时长 in the period")
    issued_on: date
    channel: FeedbackChannel
    state: FeedbackState
    sent_at: datetime | None
    acknowledged_at: datetime | None
    recipient_district_name: str = strawberry_django.field(description="kind PLATFORM: 接收区")
    reporter: InServiceReporterType | None = strawberry_django.field(
        extensions=[InServiceScoped()], description="Null for readers of the recipient org only."
    )
    recipient_org: PartyOrgType | None = strawberry_django.field(
        extensions=[ScopedRelation()], description="channel LOCAL: the member's Party organisation"
    )

    # Permission rule: the issuing community's readers, and once sent, the recipient org's.
    @classmethod
    def get_queryset(cls, queryset: QuerySet[FeedbackCard], info: Info, **kwargs: Any) -> Any:
        access = access_of(info)
        received = access.read_filter("recipient_org__path") & ~Q(state=FeedbackState.DRAFT)
        return mark_scoped(
            queryset.filter(access.read_filter("reporter__community__path") | received)
        )

    @strawberry_django.field(only=["rating"], description="评价 (null while a draft is unrated)")
    def rating(self, root: strawberry.Parent[FeedbackCard]) -> FeedbackRating | None:
        return FeedbackRating(root.rating) if root.rating else None

    @strawberry_django.field(annotate=_PERSON, description="报到党员姓名")
    def member_name(self, root: strawberry.Parent[FeedbackCard]) -> str:
        return _person(root).name

    @strawberry_django.field(annotate=_PERSON, description="填发社区")
    def community_name(self, root: strawberry.Parent[FeedbackCard]) -> str:
        return _person(root).community

    @strawberry_django.field(
        annotate=_PERSON,
        only=_CARD_COLUMNS,
        description="The card as printed (channel PRINTED: for a work unit off the platform).",
    )
    def printable(self, root: strawberry.Parent[FeedbackCard]) -> PrintableCardType:
        card = printable_card(root, _person(root))
        return PrintableCardType(
            title=card.title,
            lines=[CardLine(label=label, value=value) for label, value in card.rows],
            text=card.text,
        )

    @strawberry_django.field(only=["id"], description="A printable HTML page of the card.")
    def print_url(self, root: strawberry.Parent[FeedbackCard]) -> str:
        global_id = relay.GlobalID("InServiceFeedbackCard", encode_node_id(root.pk))
        return PRINT_PATH.format(str(global_id))


@strawberry.type(name="InServiceFeedbackSettings", description="反馈卡周期设置")
class FeedbackSettingsType:
    period_months: int = strawberry.field(description="1, 3 (the default), 6 or 12")
    current_period: str = strawberry.field(description="The period today lies in, e.g. 2026Q3.")
    previous_period: str = strawberry.field(description="The one before: usually the one to issue.")

    @staticmethod
    def of(settings: FeedbackSettings) -> "FeedbackSettingsType":
        months = settings.period_months
        current = period_containing(timezone.localdate(), months)
        return FeedbackSettingsType(
            period_months=months,
            current_period=current.label,
            previous_period=period_before(current, months).label,
        )


def _payload(root: Dispatch, key: str) -> Any:
    return (root.payload or {}).get(key)


@model_type(
    Dispatch,
    name="InServiceReceivedFeedback",
    description=(
        "A feedback card another district sent here through the platform, matched to our own"
        " member by ID number (keyed hash); only the feedback crossed."
    ),
)
class ReceivedFeedbackType(DistrictNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Dispatch], info: Info, **kwargs: Any) -> Any:
        if "matched_member_id" in queryset.query.annotations:
            return mark_scoped(queryset)  # already the scoped inbox
        return mark_scoped(selectors.platform_inbox(access_of(info), queryset))

    @strawberry_django.field(only=["sent_at"], description="When it arrived.")
    def received_at(self, root: strawberry.Parent[Dispatch]) -> datetime:
        return root.sent_at

    @strawberry_django.field(only=["state"])
    def acknowledged(self, root: strawberry.Parent[Dispatch]) -> bool:
        return root.state == DispatchState.ACKNOWLEDGED

    @strawberry_django.field(only=["answered_at", "state"])
    def acknowledged_at(self, root: strawberry.Parent[Dispatch]) -> datetime | None:
        return root.answered_at if root.state == DispatchState.ACKNOWLEDGED else None

    @strawberry_django.field(only=["payload"], description="发出区")
    def sending_district_name(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(_payload(root, "sender_district_name") or "")

    @strawberry_django.field(only=["payload"], description="填发社区")
    def community_name(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(_payload(root, "community_name") or "")

    @strawberry_django.field(only=["payload"])
    def period_label(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(_payload(root, "period_label") or "")

    @strawberry_django.field(only=["payload"])
    def period_start(self, root: strawberry.Parent[Dispatch]) -> date:
        return date.fromisoformat(_payload(root, "period_start"))

    @strawberry_django.field(only=["payload"])
    def period_end(self, root: strawberry.Parent[Dispatch]) -> date:
        return date.fromisoformat(_payload(root, "period_end"))

    @strawberry_django.field(only=["payload"])
    def rating(self, root: strawberry.Parent[Dispatch]) -> FeedbackRating | None:
        value = _payload(root, "rating")
        return FeedbackRating(value) if value in FeedbackRating.values else None

    @strawberry_django.field(only=["payload"])
    def comment(self, root: strawberry.Parent[Dispatch]) -> str:
        return str(_payload(root, "comment") or "")

    @strawberry_django.field(only=["payload"])
    def activity_count(self, root: strawberry.Parent[Dispatch]) -> int:
        return int(_payload(root, "activity_count") or 0)

    @strawberry_django.field(only=["payload"])
    def service_hours(self, root: strawberry.Parent[Dispatch]) -> Decimal:
        return Decimal(str(_payload(root, "service_hours") or "0"))

    @strawberry_django.field(only=["payload"])
    def issued_on(self, root: strawberry.Parent[Dispatch]) -> date:
        return date.fromisoformat(_payload(root, "issued_on"))

    @strawberry_django.field(description="Whether the card names one of our members.")
    def matched(self, root: strawberry.Parent[Dispatch]) -> bool:
        return getattr(root, "matched_member_id", None) is not None

    @strawberry_django.field(description="Our member the card is about (global ID of a Member).")
    def member_id(self, root: strawberry.Parent[Dispatch]) -> relay.GlobalID | None:
        pk = getattr(root, "matched_member_id", None)
        return relay.GlobalID("Member", encode_node_id(pk)) if pk else None

    @strawberry_django.field(description="Our member's name.")
    def member_name(self, root: strawberry.Parent[Dispatch]) -> str | None:
        return getattr(root, "matched_member_name", None)

    @strawberry_django.field(description="Our member's ID number, masked.")
    def member_id_number(self, root: strawberry.Parent[Dispatch]) -> str | None:
        return getattr(root, "matched_member_id_number", None)
