"""The rules of reporting, the cards and feedback, in-process in alpha (rolled back)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.common.validation import ValidationFailed
from backend.in_service import selectors
from backend.in_service.models import (
    ActivityEntry,
    FeedbackCard,
    FeedbackChannel,
    FeedbackState,
    Report,
    Reporter,
    ReporterKind,
    ReportStatus,
)
from backend.in_service.periods import half_year_of, parse_period, period_containing
from backend.in_service.services import activity, feedback, reporting
from backend.members.models import Member
from tenants.models import Dispatch
from tests.in_service.factory import Street, make_member, make_street, new_id_number

pytestmark = pytest.mark.usefixtures("in_alpha")

TODAY = timezone.localdate()


def codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.code for e in exc.value.errors}


@pytest.fixture
def s() -> Street:
    return make_street()


def external(**overrides: str) -> reporting.ExternalPerson:
    values = {
        "name": "外区党员",
        "id_number": new_id_number(),
        "phone": "13912345678",
        "work_party_org_name": "某市某局机关党支部",
    }
    values.update(overrides)
    return reporting.ExternalPerson(**values)


def entry(hours: str = "2", on: date = TODAY) -> activity.EntryData:
    return activity.EntryData(
        occurred_on=on, title="社区清洁", kind="activity", hours=Decimal(hours)
    )


# --- periods --------------------------------------------------------------------------------


def test_periods_and_half_years() -> None:
    assert half_year_of(date(2026, 6, 30)) == "2026H1"
    assert half_year_of(date(2026, 7, 1)) == "2026H2"
    q3 = parse_period("2026Q3", 3)
    assert q3 is not None
    assert (q3.start, q3.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert parse_period("2026-02", 1).end == date(2026, 2, 28)  # type: ignore[union-attr]
    assert parse_period("2026", 12).end == date(2026, 12, 31)  # type: ignore[union-attr]
    assert parse_period("2026Q5", 3) is None
    assert parse_period("2026Q3", 6) is None
    assert period_containing(date(2026, 11, 5), 6).label == "2026H2"


# --- reporting --------------------------------------------------------------------------------


def test_a_local_member_reports_to_their_residence_community(s: Street) -> None:
    member = make_member(s)
    report = reporting.report_create(community=s.community, member=member)
    assert report.half_year == half_year_of(TODAY)
    assert report.reporter.kind == ReporterKind.LOCAL
    assert report.reporter.work_unit == s.unit  # the info card starts from the member's record


def test_a_member_without_residence_gets_this_community(s: Street) -> None:
    member = make_member(s, with_residence=False)
    reporting.report_create(community=s.community2, member=member)
    member.refresh_from_db()
    assert member.residence_community == s.community2


def test_bad_reports_are_refused(s: Street) -> None:
    member = make_member(s)
    retired = make_member(s, category="retired")
    cases = [
        (dict(community=s.community2, member=member), "MISMATCH_RESIDENCE"),
        (dict(community=s.community, member=retired), "WRONG_CATEGORY"),
        (dict(community=s.street, member=member), "INVALID_ORG_KIND"),
        (dict(community=s.community), "REQUIRED"),
        (
            dict(community=s.community, member=member, reported_on=TODAY + timedelta(days=1)),
            "IN_FUTURE",
        ),
        (
            dict(community=s.community, external=external(id_number=member.id_number)),
            "LOCAL_MEMBER",
        ),
        (dict(community=s.community, external=external(id_number="120101")), "ID_FORMAT"),
        (
            dict(community=s.community, external=external(home_district_code="nosuch")),
            "REQUIRED",  # both a district and an outside org named: choose one
        ),
        (
            dict(
                community=s.community,
                external=external(home_district_code="nosuch", work_party_org_name=""),
            ),
            "NOT_FOUND",
        ),
        (
            dict(
                community=s.community,
                external=external(home_district_code="alpha", work_party_org_name=""),
            ),
            "NOT_FOUND",  # this district is not "another district"
        ),
        (dict(community=s.community, external=external(name=" ")), "REQUIRED"),
        (dict(community=s.community, external=external(phone="12")), "INVALID"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            reporting.report_create(**kwargs)  # type: ignore[arg-type]
        assert code in codes(exc), (kwargs, codes(exc))
    assert not Reporter.objects.filter(community__in=[s.community, s.community2]).exists()


def test_one_active_report_per_half_year(s: Street) -> None:
    member = make_member(s)
    first = reporting.report_create(community=s.community, member=member)
    with pytest.raises(ValidationFailed) as exc:
        reporting.report_create(community=s.community, member=member)
    assert codes(exc) == {"ALREADY_REPORTED"}
    with pytest.raises(ValidationFailed) as exc:
        reporting.report_renew(reporter=first.reporter)
    assert codes(exc) == {"ALREADY_REPORTED"}
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=first.reporter,
            community=s.community,
            half_year=first.half_year,
            reported_on=TODAY,
        )
    reporting.report_cancel(report=first, reason="搬离本社区")
    again = reporting.report_renew(reporter=first.reporter)
    assert again.reporter_id == first.reporter_id
    assert again.status == ReportStatus.ACTIVE


def test_reporting_again_next_half_year_carries_the_person(s: Street) -> None:
    earlier = TODAY - timedelta(days=190)
    report = reporting.report_create(
        community=s.community, external=external(), reported_on=earlier
    )
    renewed = reporting.report_renew(reporter=report.reporter)
    assert renewed.reporter_id == report.reporter_id
    assert renewed.half_year != report.half_year
    assert Reporter.objects.filter(community=s.community).count() == 1


def test_cancel_rules(s: Street) -> None:
    report = reporting.report_create(
        community=s.community, member=make_member(s), reported_on=TODAY - timedelta(days=3)
    )
    with pytest.raises(ValidationFailed) as exc:
        reporting.report_cancel(report=report, reason="")
    assert codes(exc) == {"REQUIRED"}
    with pytest.raises(ValidationFailed) as exc:
        reporting.report_cancel(report=report, reason="x", cancelled_on=TODAY - timedelta(days=10))
    assert codes(exc) == {"END_BEFORE_START"}
    reporting.report_cancel(report=report, reason="工作调动")
    with pytest.raises(ValidationFailed) as exc:
        reporting.report_cancel(report=report, reason="again")
    assert codes(exc) == {"ALREADY_CANCELLED"}


def test_an_external_reporter_is_sealed(s: Street) -> None:
    id_number = new_id_number()
    report = reporting.report_create(
        community=s.community, external=external(id_number=id_number, phone="13812345678")
    )
    reporter = report.reporter
    assert reporter.kind == ReporterKind.EXTERNAL
    assert id_number not in (reporter.id_number_encrypted, reporter.id_number_masked)
    assert reporter.id_number_masked == id_number[:3] + "*" * 11 + id_number[-4:]
    assert reporter.phone_masked == "138****5678"
    assert "13812345678" not in reporter.phone_encrypted


def test_a_platform_reporter_names_another_district(s: Street) -> None:
    report = reporting.report_create(
        community=s.community,
        external=external(home_district_code="beta", work_party_org_name=""),
    )
    assert report.reporter.kind == ReporterKind.PLATFORM
    assert report.reporter.home_district_name == "beta区"


def test_info_card_and_skills_directory(s: Street) -> None:
    report = reporting.report_create(community=s.community, member=make_member(s, name="张医生"))
    reporting.info_card_update(
        reporter=report.reporter,
        changes={
            "skills": ["medical", "counselling", "medical"],
            "skill_note": "全科医生，擅长急救",
        },
    )
    report.reporter.refresh_from_db()
    assert report.reporter.skills == ["medical", "counselling"]
    found = selectors.skills_directory(within=s.street, skill="medical", search=None)
    assert [r.name for r in found] == ["张医生"]
    assert list(selectors.skills_directory(within=s.street, skill=None, search="急救"))
    assert not selectors.skills_directory(within=s.street, skill="legal", search=None).exists()
    with pytest.raises(ValidationFailed) as exc:
        reporting.info_card_update(reporter=report.reporter, changes={"skills": ["magic"]})
    assert codes(exc) == {"INVALID"}


def test_not_reported_this_half_year(s: Street) -> None:
    reported = make_member(s, name="已报到")
    make_member(s, name="未报到")
    make_member(s, name="退休", category="retired")
    reporting.report_create(community=s.community, member=reported)
    half_year = half_year_of(TODAY)
    names = lambda **kw: [  # noqa: E731
        m.name
        for m in selectors.in_service_members(residence_within=s.street, half_year=half_year, **kw)
    ]
    assert names(reported=False) == ["未报到"]
    assert names(reported=True) == ["已报到"]


# --- activity registration card ---------------------------------------------------------------


def test_activity_entries_and_their_rules(s: Street) -> None:
    a = reporting.report_create(community=s.community, member=make_member(s)).reporter
    b = reporting.report_create(community=s.community, external=external()).reporter
    other = reporting.report_create(community=s.community2, external=external()).reporter
    assert len(activity.entries_record(reporters=[a, b], data=entry("2.5"))) == 2
    for data, code in [
        (entry("24.5"), "OUT_OF_RANGE"),
        (entry("-1"), "OUT_OF_RANGE"),
        (entry("1.25"), "INVALID"),
        (entry("1", on=TODAY + timedelta(days=1)), "IN_FUTURE"),
        (activity.EntryData(TODAY, "", "activity", Decimal(1)), "REQUIRED"),
        (activity.EntryData(TODAY, "x", "party", Decimal(1)), "INVALID"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            activity.entries_record(reporters=[a], data=data)
        assert code in codes(exc)
    # All or none: one reporter of another community spoils the batch.
    with pytest.raises(ValidationFailed) as exc:
        activity.entries_record(reporters=[a, other], data=entry())
    assert codes(exc) == {"MIXED_COMMUNITIES"}
    assert ActivityEntry.objects.filter(reporter__in=[a, b, other]).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityEntry.objects.create(
            reporter=a, occurred_on=TODAY, title="x", kind="activity", hours=Decimal("25")
        )


# --- feedback cards ---------------------------------------------------------------------------


def _period_now() -> feedback.Period:
    return period_containing(TODAY, feedback.feedback_settings().period_months)


def test_issuing_is_idempotent_and_snapshots_the_entries(s: Street) -> None:
    local = reporting.report_create(community=s.community, member=make_member(s)).reporter
    outside = reporting.report_create(community=s.community, external=external()).reporter
    activity.entries_record(reporters=[local], data=entry("3"))
    activity.entries_record(reporters=[local], data=entry("1.5"))
    period = _period_now()
    cards = feedback.feedback_issue(community=s.community, period=period)
    assert len(cards) == 2
    by_reporter = {c.reporter_id: c for c in cards}
    assert by_reporter[local.pk].activity_count == 2
    assert by_reporter[local.pk].service_hours == Decimal("4.5")
    assert by_reporter[local.pk].channel == FeedbackChannel.LOCAL
    assert by_reporter[local.pk].recipient_org == s.unit_org
    assert by_reporter[outside.pk].channel == FeedbackChannel.PRINTED
    assert feedback.feedback_issue(community=s.community, period=period) == []
    assert FeedbackCard.objects.filter(reporter__community=s.community).count() == 2


def test_bad_periods() -> None:
    for label, code in [
        ("2026-13", "INVALID_PERIOD"),
        ("2026H1", "INVALID_PERIOD"),
        ("x", "INVALID_PERIOD"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            feedback.resolve_period(label)
        assert codes(exc) == {code}
    future = period_containing(TODAY + timedelta(days=200), 3).label
    with pytest.raises(ValidationFailed) as exc:
        feedback.resolve_period(future)
    assert codes(exc) == {"IN_FUTURE"}
    with pytest.raises(ValidationFailed) as exc:
        feedback.feedback_settings_update(period_months=2)
    assert codes(exc) == {"INVALID_PERIOD"}
    feedback.feedback_settings_update(period_months=6)
    assert feedback.resolve_period(half_year_of(TODAY)).label == half_year_of(TODAY)


def test_send_and_acknowledge_locally(s: Street) -> None:
    reporting.report_create(community=s.community, member=make_member(s))
    (card,) = feedback.feedback_issue(community=s.community, period=_period_now())
    with pytest.raises(ValidationFailed) as exc:
        feedback.feedback_send(card=card)
    assert codes(exc) == {"REQUIRED"}  # rate it first
    with pytest.raises(ValidationFailed) as exc:
        feedback.feedback_update(card=card, changes={"rating": "superb"})
    assert codes(exc) == {"INVALID"}
    feedback.feedback_update(card=card, changes={"rating": "excellent", "comment": "积极参加"})
    card = feedback.feedback_send(card=card)
    assert card.state == FeedbackState.SENT
    assert card.dispatch_id is None
    with pytest.raises(ValidationFailed) as exc:
        feedback.feedback_send(card=card)
    assert codes(exc) == {"ALREADY_SENT"}
    with pytest.raises(ValidationFailed) as exc:
        feedback.feedback_update(card=card, changes={"comment": "late"})
    assert codes(exc) == {"ALREADY_SENT"}
    card = feedback.feedback_acknowledge(card=card, user=None)
    assert card.state == FeedbackState.ACKNOWLEDGED
    with pytest.raises(ValidationFailed) as exc:
        feedback.feedback_acknowledge(card=card, user=None)
    assert codes(exc) == {"ALREADY_ACKNOWLEDGED"}


def test_a_platform_card_carries_only_the_feedback(s: Street) -> None:
    id_number = new_id_number()
    reporting.report_create(
        community=s.community,
        external=external(id_number=id_number, home_district_code="beta", work_party_org_name=""),
    )
    (card,) = feedback.feedback_issue(community=s.community, period=_period_now())
    feedback.feedback_update(card=card, changes={"rating": "good"})
    card = feedback.feedback_send(card=card)
    assert card.dispatch_id is not None
    dispatch = Dispatch.objects.get(pk=card.dispatch_id)
    assert dispatch.recipient.code == "beta"
    assert set(dispatch.payload) == set(feedback.PAYLOAD_KEYS)
    assert id_number not in str(dispatch.payload)
    assert "外区党员" not in str(dispatch.payload)  # not even the name


def test_printable_card_masks_personal_data(s: Street) -> None:
    id_number = new_id_number()
    reporting.report_create(community=s.community, external=external(id_number=id_number))
    (card,) = feedback.feedback_issue(community=s.community, period=_period_now())
    text = feedback.printable_card(card).text
    assert "在职党员社区表现反馈卡" in text
    assert "某市某局机关党支部" in text
    assert id_number not in text
    assert id_number[-4:] in text


def test_deleting_a_member_keeps_the_communitys_history(s: Street) -> None:
    member = make_member(s, name="将转出")
    reporter = reporting.report_create(community=s.community, member=member).reporter
    activity.entries_record(reporters=[reporter], data=entry())
    feedback.feedback_issue(community=s.community, period=_period_now())
    Member.objects.filter(pk=member.pk).delete()
    reporter.refresh_from_db()
    assert reporter.member is None
    assert reporter.name == "将转出"
    assert reporter.reports.count() == 1
    assert reporter.activity_entries.count() == 1
    with pytest.raises(ValidationFailed) as exc:
        reporting.report_renew(reporter=reporter, reported_on=TODAY)
    assert codes(exc) <= {"MEMBER_LEFT", "ALREADY_REPORTED"}
    with pytest.raises(ValidationFailed) as exc:
        activity.entries_record(reporters=[reporter], data=entry())
    assert codes(exc) == {"MEMBER_LEFT"}


def test_writes_are_audited_with_masked_data(s: Street) -> None:
    from backend.audit.models import AuditEntry

    id_number = new_id_number()
    report = reporting.report_create(community=s.community, external=external(id_number=id_number))
    entry_row = AuditEntry.objects.get(
        action="in_service.reporter.create", target_id=report.reporter_id
    )
    assert id_number not in str(entry_row.changes)
    assert entry_row.changes["id_number"][1] == report.reporter.id_number_masked
    assert AuditEntry.objects.filter(
        action="in_service.report.create", target_id=report.pk
    ).exists()
    with pytest.raises(ValidationFailed):
        reporting.report_cancel(report=report, reason="")
    refused = AuditEntry.objects.filter(action="in_service.report.cancel", result="refused")
    assert refused.exists()
