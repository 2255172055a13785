"""One object of each in-service type in a seeded district, for the canary matrix
(isolation_cases.py): the in-service member 0 reported to their residence community s1-c1 in
2025H1, with an information card, an activity entry, and a feedback card for 2025Q1 sent to
their own Party organisation (s1-c1-b1). Services write them, so they follow the app's rules;
the district's canary is in every free-text field. Nothing crosses to another district, so there
is no InServiceReceivedFeedback here (isolation_cases.py names one by ID only)."""

from datetime import date
from decimal import Decimal

from backend.in_service.models import ActivityKind, FeedbackRating
from backend.in_service.periods import period_containing
from backend.in_service.services import activity, feedback, reporting
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from tests.support.seed import SeededDistrict

IN_SERVICE_MEMBER = 0  # tests/support/seed.py: member 0 is in service, living in s1-c1


def seed(seeded: SeededDistrict) -> dict[str, int]:
    community = PartyOrg.objects.get(pk=seeded.org_pks["s1-c1"])
    member = Member.objects.get(pk=seeded.member_pks[IN_SERVICE_MEMBER])
    report = reporting.report_create(
        community=community, reported_on=date(2025, 1, 15), member=member
    )
    reporter = reporting.info_card_update(
        reporter=report.reporter,
        changes={
            "post": f"{seeded.canary}科长",
            "skills": ["medical"],
            "skill_note": f"{seeded.canary}义诊",
        },
    )
    (entry,) = activity.entries_record(
        reporters=[reporter],
        data=activity.EntryData(
            occurred_on=date(2025, 2, 10),
            title=f"{seeded.canary}义诊活动",
            kind=ActivityKind.ACTIVITY,
            hours=Decimal("2.5"),
            description=f"{seeded.canary}情况说明",
        ),
    )
    period = period_containing(date(2025, 1, 15), feedback.feedback_settings().period_months)
    (card,) = feedback.feedback_issue(
        community=community, period=period, issued_on=date(2025, 4, 2)
    )
    card = feedback.feedback_update(
        card=card,
        changes={"rating": FeedbackRating.GOOD, "comment": f"{seeded.canary}评语"},
    )
    # Sent (channel LOCAL, to s1-c1-b1) and not signed for: acknowledging it stays possible.
    card = feedback.feedback_send(card=card)
    return {
        "InServiceMember": member.pk,
        "InServiceReporter": reporter.pk,
        "InServiceReport": report.pk,
        "InServiceActivityEntry": entry.pk,
        "InServiceFeedbackCard": card.pk,
    }
