from datetime import date
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_writable
from backend.activities.graphql_types import load_activity
from backend.common.graphql.errors import UserError, mutation_payload
from backend.common.graphql.inputs import provided
from backend.common.graphql.permissions import DISTRICT_WRITE
from backend.in_service import selectors
from backend.in_service.graphql.loaders import (
    load_card_for_recipient,
    load_card_for_sender,
    load_entry,
    load_member,
    load_received,
    load_report,
    load_reporter,
)
from backend.in_service.graphql.types import (
    FeedbackSettingsType,
    InServiceActivityEntryType,
    InServiceFeedbackCardType,
    InServiceReporterType,
    InServiceReportType,
    ReceivedFeedbackType,
)
from backend.in_service.models import ActivityKind, FeedbackCard, FeedbackRating, SkillTag
from backend.in_service.services import activity, feedback, received, reporting
from backend.orgs.graphql import load_writable_org
from backend.units.graphql import load_unit
from tenants.models import Dispatch


@strawberry.type
class InServiceReportPayload:
    report: InServiceReportType | None
    errors: list[UserError]


@strawberry.type
class InServiceReporterPayload:
    reporter: InServiceReporterType | None
    errors: list[UserError]


@strawberry.type
class InServiceActivityPayload:
    entries: list[InServiceActivityEntryType] | None
    errors: list[UserError]


@strawberry.type
class InServiceDeletePayload:
    deleted_id: relay.GlobalID | None
    errors: list[UserError]


@strawberry.type
class InServiceFeedbackCardPayload:
    card: InServiceFeedbackCardType | None
    errors: list[UserError]


@strawberry.type
class InServiceFeedbackCardsPayload:
    cards: list[InServiceFeedbackCardType] | None = strawberry.field(
        description="The cards issued now (none when every reporter already has one)."
    )
    errors: list[UserError]


@strawberry.type
class ReceivedFeedbackPayload:
    feedback: ReceivedFeedbackType | None
    errors: list[UserError]


@strawberry.type
class InServiceFeedbackSettingsPayload:
    settings: FeedbackSettingsType | None
    errors: list[UserError]


@strawberry.input(
    description=(
        "Either memberId (a member of this district) or the person's details: name, idNumber"
        " and homeDistrictCode (another district of the platform) or workPartyOrgName (outside)."
    )
)
class ReportInServiceInput:
    community_id: relay.GlobalID
    reported_on: date | None = strawberry.field(default=None, description="Default today.")
    member_id: relay.GlobalID | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""
    home_district_code: str = ""
    work_party_org_name: str = ""
    work_unit_name: str = ""
    post: str = ""


@strawberry.input
class RenewInServiceReportInput:
    reporter_id: relay.GlobalID
    reported_on: date | None = strawberry.field(default=None, description="Default today.")


@strawberry.input
class CancelInServiceReportInput:
    id: relay.GlobalID
    reason: str
    cancelled_on: date | None = strawberry.field(default=None, description="Default today.")


@strawberry.input(description="信息卡: omitted fields keep their value; workUnitId null clears it.")
class UpdateInServiceInfoCardInput:
    reporter_id: relay.GlobalID
    work_unit_id: relay.GlobalID | None = strawberry.UNSET
    work_unit_name: str | None = strawberry.UNSET
    work_party_org_name: str | None = strawberry.UNSET
    post: str | None = strawberry.UNSET
    skills: list[SkillTag] | None = strawberry.UNSET
    skill_note: str | None = strawberry.UNSET


@strawberry.input(description="One activity or contribution, for one or more reporters.")
class RecordInServiceActivityInput:
    reporter_ids: list[relay.GlobalID]
    occurred_on: date
    title: str
    kind: ActivityKind
    hours: Decimal = strawberry.field(description="0 to 24, one decimal.")
    description: str = ""
    activity_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The Activity this records a part in (same date)."
    )


@strawberry.input
class IssueInServiceFeedbackCardsInput:
    community_id: relay.GlobalID
    period: str = strawberry.field(description="As the settings' period length: e.g. 2026Q3.")


@strawberry.input
class UpdateInServiceFeedbackCardInput:
    id: relay.GlobalID
    rating: FeedbackRating | None = strawberry.UNSET
    comment: str | None = strawberry.UNSET


def _external(input: ReportInServiceInput) -> reporting.ExternalPerson | None:
    named = (input.name, input.id_number, input.home_district_code, input.work_party_org_name)
    if input.member_id is not None or not any(value.strip() for value in named):
        return None  # nobody named: report_create asks for memberId
    return reporting.ExternalPerson(
        name=input.name,
        id_number=input.id_number,
        phone=input.phone,
        home_district_code=input.home_district_code,
        work_party_org_name=input.work_party_org_name,
        work_unit_name=input.work_unit_name,
        post=input.post,
    )


@strawberry.type
class InServiceMutation:
    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE, description="报到: report to the community."
    )
    def report_in_service(self, info: Info, input: ReportInServiceInput) -> InServiceReportPayload:
        def report() -> object:
            community = load_writable_org(info, input.community_id, "communityId")
            member = load_member(info, input.member_id, "memberId") if input.member_id else None
            return reporting.report_create(
                community=community,
                reported_on=input.reported_on,
                member=member,
                external=_external(input),
            )

        return mutation_payload(InServiceReportPayload, "report", report)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Report again (the half-year of reportedOn), carrying over the person.",
    )
    def renew_in_service_report(
        self, info: Info, input: RenewInServiceReportInput
    ) -> InServiceReportPayload:
        return mutation_payload(
            InServiceReportPayload,
            "report",
            lambda: reporting.report_renew(
                reporter=load_reporter(info, input.reporter_id, "reporterId"),
                reported_on=input.reported_on,
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def cancel_in_service_report(
        self, info: Info, input: CancelInServiceReportInput
    ) -> InServiceReportPayload:
        return mutation_payload(
            InServiceReportPayload,
            "report",
            lambda: reporting.report_cancel(
                report=load_report(info, input.id, "id"),
                reason=input.reason,
                cancelled_on=input.cancelled_on,
            ),
        )

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="信息卡")
    def update_in_service_info_card(
        self, info: Info, input: UpdateInServiceInfoCardInput
    ) -> InServiceReporterPayload:
        def update() -> object:
            reporter = load_reporter(info, input.reporter_id, "reporterId")
            changes = provided(
                input,
                {
                    "work_unit_name": "work_unit_name",
                    "work_party_org_name": "work_party_org_name",
                    "post": "post",
                    "skills": "skills",
                    "skill_note": "skill_note",
                },
            )
            if input.work_unit_id is not strawberry.UNSET:
                gid = input.work_unit_id
                changes["work_unit"] = load_unit(info, gid, "workUnitId") if gid else None
            return reporting.info_card_update(reporter=reporter, changes=changes)

        return mutation_payload(InServiceReporterPayload, "reporter", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="社区活动登记卡: record an entry for each reporter (all or none).",
    )
    def record_in_service_activity(
        self, info: Info, input: RecordInServiceActivityInput
    ) -> InServiceActivityPayload:
        def record() -> object:
            reporters = [load_reporter(info, gid, "reporterIds") for gid in input.reporter_ids]
            return activity.entries_record(
                reporters=reporters,
                data=activity.EntryData(
                    occurred_on=input.occurred_on,
                    title=input.title,
                    kind=input.kind,
                    hours=input.hours,
                    description=input.description,
                    activity=(
                        load_activity(info, input.activity_id, "activityId")
                        if input.activity_id is not None
                        else None
                    ),
                ),
            )

        return mutation_payload(InServiceActivityPayload, "entries", record)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE)
    def delete_in_service_activity_entry(
        self, info: Info, id: relay.GlobalID
    ) -> InServiceDeletePayload:
        def delete() -> relay.GlobalID:
            activity.entry_delete(entry=load_entry(info, id, "id"))
            return id

        return mutation_payload(InServiceDeletePayload, "deleted_id", delete)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "Issue draft feedback cards for a period to every reporter of the community with an"
            " active report and no card for it yet (run again: only the missing ones)."
        ),
    )
    def issue_in_service_feedback_cards(
        self, info: Info, input: IssueInServiceFeedbackCardsInput
    ) -> InServiceFeedbackCardsPayload:
        def issue() -> object:
            community = load_writable_org(info, input.community_id, "communityId")
            period = feedback.resolve_period(input.period)
            return feedback.feedback_issue(community=community, period=period)

        return mutation_payload(InServiceFeedbackCardsPayload, "cards", issue)

    @strawberry.mutation(permission_classes=DISTRICT_WRITE, description="Rate a draft card.")
    def update_in_service_feedback_card(
        self, info: Info, input: UpdateInServiceFeedbackCardInput
    ) -> InServiceFeedbackCardPayload:
        def update() -> FeedbackCard:
            card = load_card_for_sender(info, input.id, "id")
            changes = provided(input, {"rating": "rating", "comment": "comment"})
            if changes.get("rating", "") is None:
                changes["rating"] = ""
            return feedback.feedback_update(card=card, changes=changes)

        return mutation_payload(InServiceFeedbackCardPayload, "card", update)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description=(
            "Send a rated card: to the member's org here, through the platform to another"
            " district, or (outside the platform) mark it printed and handed over."
        ),
    )
    def send_in_service_feedback_card(
        self, info: Info, id: relay.GlobalID
    ) -> InServiceFeedbackCardPayload:
        return mutation_payload(
            InServiceFeedbackCardPayload,
            "card",
            lambda: feedback.feedback_send(card=load_card_for_sender(info, id, "id")),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Sign for a card sent to your organisation by a community of this district.",
    )
    def acknowledge_in_service_feedback_card(
        self, info: Info, id: relay.GlobalID
    ) -> InServiceFeedbackCardPayload:
        return mutation_payload(
            InServiceFeedbackCardPayload,
            "card",
            lambda: feedback.feedback_acknowledge(
                card=load_card_for_recipient(info, id, "id"), user=info.context.request.user
            ),
        )

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="Sign for a card another district sent; the sender sees it acknowledged.",
    )
    def acknowledge_received_feedback(
        self, info: Info, id: relay.GlobalID
    ) -> ReceivedFeedbackPayload:
        def acknowledge() -> Dispatch:
            answered = received.platform_feedback_acknowledge(
                dispatch=load_received(info, id, "id")
            )
            return selectors.platform_inbox(access_of(info)).get(pk=answered.pk)

        return mutation_payload(ReceivedFeedbackPayload, "feedback", acknowledge)

    @strawberry.mutation(
        permission_classes=DISTRICT_WRITE,
        description="District administrators: how often feedback cards are issued (months).",
    )
    def update_in_service_feedback_settings(
        self, info: Info, period_months: int
    ) -> InServiceFeedbackSettingsPayload:
        def update() -> FeedbackSettingsType:
            check_writable(info, None, field="periodMonths", what="设置")
            settings = feedback.feedback_settings_update(period_months=period_months)
            return FeedbackSettingsType.of(settings)

        return mutation_payload(InServiceFeedbackSettingsPayload, "settings", update)
