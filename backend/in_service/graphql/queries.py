from collections.abc import Iterable
from datetime import date
from typing import Annotated

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.permissions import IsDistrictUser
from backend.in_service import selectors
from backend.in_service.graphql.types import (
    FeedbackSettingsType,
    InServiceActivityEntryType,
    InServiceFeedbackCardType,
    InServiceMemberType,
    InServiceReporterType,
    InServiceReportType,
    ReceivedFeedbackType,
)
from backend.in_service.models import (
    ActivityKind,
    FeedbackChannel,
    FeedbackState,
    Reporter,
    ReporterKind,
    ReportStatus,
    SkillTag,
)
from backend.in_service.periods import half_year_of
from backend.in_service.services.feedback import feedback_settings
from backend.orgs.graphql import org_scope
from tenants.global_ids import decode_node_id

WITHIN = "An org subtree: the communities in it (a street, a community)."


def _reporter_filter(global_id: relay.GlobalID | None) -> Reporter | None:
    if global_id is None:
        return None
    pk = decode_node_id(global_id.node_id) if global_id.type_name == "InServiceReporter" else None
    return Reporter(pk=pk or 0)  # unknown: filters to nothing


@strawberry.type
class InServiceQuery:
    @page_connection(
        DjangoCursorConnection[InServiceMemberType],
        permission_classes=[IsDistrictUser],
        description=(
            "在职党员 by where their relation is (within) and where they live (residenceWithin);"
            " reported: false = not reported to their residence community in halfYear"
            " (default: the current half-year)."
        ),
    )
    def in_service_members(
        self,
        within: relay.GlobalID | None = None,
        residence_within: relay.GlobalID | None = None,
        half_year: Annotated[str | None, strawberry.argument(description="e.g. 2026H2")] = None,
        reported: bool | None = None,
        skill: SkillTag | None = None,
    ) -> Iterable[InServiceMemberType]:
        return selectors.in_service_members(  # type: ignore[return-value]
            within=org_scope(within),
            residence_within=org_scope(residence_within),
            half_year=half_year or half_year_of(timezone.localdate()),
            reported=reported,
            skill=skill,
        )

    @page_connection(
        DjangoCursorConnection[InServiceReporterType],
        permission_classes=[IsDistrictUser],
        description="报到党员 of the communities within, by name; search: name or skill note.",
    )
    def in_service_reporters(
        self,
        within: Annotated[relay.GlobalID | None, strawberry.argument(description=WITHIN)] = None,
        kind: ReporterKind | None = None,
        skill: SkillTag | None = None,
        search: str | None = None,
    ) -> Iterable[InServiceReporterType]:
        return selectors.reporter_list(  # type: ignore[return-value]
            within=org_scope(within), kind=kind, skill=skill, search=search
        )

    @page_connection(
        DjangoCursorConnection[InServiceReporterType],
        permission_classes=[IsDistrictUser],
        description=(
            "特长名录: reporters with an active report in the communities within, by skill tag"
            " and words of their skill note, e.g. medical skills in a street."
        ),
    )
    def skills_directory(
        self,
        within: Annotated[relay.GlobalID | None, strawberry.argument(description=WITHIN)] = None,
        skill: SkillTag | None = None,
        search: Annotated[str | None, strawberry.argument(description="特长说明 words")] = None,
    ) -> Iterable[InServiceReporterType]:
        return selectors.skills_directory(  # type: ignore[return-value]
            within=org_scope(within), skill=skill, search=search
        )

    @page_connection(
        DjangoCursorConnection[InServiceReportType],
        permission_classes=[IsDistrictUser],
        description="报到 to the communities within, newest first.",
    )
    def in_service_reports(
        self,
        within: Annotated[relay.GlobalID | None, strawberry.argument(description=WITHIN)] = None,
        half_year: str | None = None,
        status: ReportStatus | None = None,
    ) -> Iterable[InServiceReportType]:
        return selectors.report_list(  # type: ignore[return-value]
            within=org_scope(within), half_year=half_year, status=status
        )

    @page_connection(
        DjangoCursorConnection[InServiceActivityEntryType],
        permission_classes=[IsDistrictUser],
        description="社区活动登记卡: entries, newest first.",
    )
    def in_service_activity_entries(
        self,
        reporter_id: relay.GlobalID | None = None,
        within: Annotated[relay.GlobalID | None, strawberry.argument(description=WITHIN)] = None,
        since: date | None = None,
        until: date | None = None,
        kind: ActivityKind | None = None,
    ) -> Iterable[InServiceActivityEntryType]:
        return selectors.entry_list(  # type: ignore[return-value]
            reporter=_reporter_filter(reporter_id),
            within=org_scope(within),
            since=since,
            until=until,
            kind=kind,
        )

    @page_connection(
        DjangoCursorConnection[InServiceFeedbackCardType],
        permission_classes=[IsDistrictUser],
        description="社区表现反馈卡 the communities within issued, newest period first.",
    )
    def in_service_feedback_cards(
        self,
        within: Annotated[relay.GlobalID | None, strawberry.argument(description=WITHIN)] = None,
        period: Annotated[str | None, strawberry.argument(description="e.g. 2026Q3")] = None,
        state: FeedbackState | None = None,
        channel: FeedbackChannel | None = None,
    ) -> Iterable[InServiceFeedbackCardType]:
        return selectors.feedback_list(  # type: ignore[return-value]
            within=org_scope(within), period=period, state=state, channel=channel
        )

    @page_connection(
        DjangoCursorConnection[InServiceFeedbackCardType],
        permission_classes=[IsDistrictUser],
        description=(
            "Feedback cards this district's communities sent to the Party organisations within"
            " (the members' work-unit organisations), newest first."
        ),
    )
    def received_in_service_feedback(
        self,
        within: relay.GlobalID | None = None,
        state: FeedbackState | None = None,
    ) -> Iterable[InServiceFeedbackCardType]:
        return selectors.received_local(  # type: ignore[return-value]
            within=org_scope(within), state=state
        )

    @page_connection(
        DjangoCursorConnection[ReceivedFeedbackType],
        permission_classes=[IsDistrictUser],
        description=(
            "Feedback cards other districts sent here about our members (matched by ID number),"
            " for readers of each member's organisation; unmatched ones for administrators."
        ),
    )
    def received_platform_feedback(
        self,
        info: Info,
        matched: bool | None = None,
        acknowledged: bool | None = None,
    ) -> Iterable[ReceivedFeedbackType]:
        state = None if acknowledged is None else ("acknowledged" if acknowledged else "sent")
        return selectors.received_platform(  # type: ignore[return-value]
            selectors.platform_inbox(access_of(info)), matched=matched, state=state
        )

    @strawberry_django.field(
        permission_classes=[IsDistrictUser], description="反馈卡周期设置 of this district."
    )
    def in_service_feedback_settings(self) -> FeedbackSettingsType:
        return FeedbackSettingsType.of(feedback_settings())
