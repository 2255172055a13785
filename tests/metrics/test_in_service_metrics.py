"""The in-service metrics (报到率, 报到反馈率) on small hand-built subtrees with known answers.

Each test builds a street of its own under the district's root, with communities and a unit
Party organisation holding the members' relations, and computes with the street as the scope.
People are counted where they reported (the community of the report), never at the org of
their organisational relation."""

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from backend.in_service.models import FeedbackCard, FeedbackChannel, FeedbackState, Reporter
from backend.in_service.services.reporting import (
    ExternalPerson,
    report_cancel,
    report_create,
    report_renew,
)
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create, member_update
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from tenants.context import in_district
from tests.metrics.support import compute_metrics, counts, figure, month

pytestmark = pytest.mark.django_db

REGION = "460101"
TODAY = date(2026, 11, 27)  # every period below has ended: as_of is its last day
Q1 = month("2026-Q1")  # as_of 2026-03-31, half-year 2026H1
Q3 = month("2026-Q3")  # as_of 2026-09-30, half-year 2026H2
SHANGHAI = ZoneInfo("Asia/Shanghai")
METRICS = ("report_rate", "feedback_rate")
CHANNEL = {
    "local": FeedbackChannel.LOCAL,
    "platform": FeedbackChannel.PLATFORM,
    "external": FeedbackChannel.PRINTED,
}

_sequence = itertools.count(start=int(uuid.uuid4().int % 300) * 3 + 1)


def new_id_number() -> str:
    n = next(_sequence)
    return make_id_number(REGION, date(1970 + n % 25, 1 + n % 12, 1 + n % 28), n % 1000)


@dataclass
class Street:
    street: PartyOrg
    c1: PartyOrg
    c2: PartyOrg
    c3: PartyOrg  # a community nobody lives in or reports to
    unit_org: PartyOrg  # holds the local members' organisational relations


def make_street() -> Street:
    tag = f"m3-{uuid.uuid4().hex[:8]}"
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(code=tag, name="指标在职街道", kind="street_working_committee", parent=root)
    return Street(
        street=street,
        c1=org_create(code=f"{tag}-c1", name="一社区", kind="community_committee", parent=street),
        c2=org_create(
            code=f"{tag}-c2", name="二社区", kind="community_general_branch", parent=street
        ),
        c3=org_create(code=f"{tag}-c3", name="三社区", kind="community_committee", parent=street),
        unit_org=org_create(code=f"{tag}-u1", name="某公司党支部", kind="unit_org", parent=street),
    )


def member(
    s: Street,
    residence: PartyOrg | None,
    *,
    joined_on: date = date(2015, 7, 1),
    id_number: str | None = None,
) -> Member:
    """A local in-service member whose relation is at the street's unit org."""
    return member_create(
        data=MemberData(
            name="在职党员",
            id_number=id_number or new_id_number(),
            education="bachelor",
            joined_on=joined_on,
            status="full",
            category="in_service",
            org=s.unit_org,
            residence_community=residence,
        )
    )


def from_elsewhere(*, platform: str = "", id_number: str | None = None) -> ExternalPerson:
    """Someone whose relation is in another district of the platform, or outside it."""
    return ExternalPerson(
        name="外区党员",
        id_number=id_number or new_id_number(),
        home_district_code=platform,
        work_party_org_name="" if platform else "某省某厅机关党支部",
    )


def card(reporter: Reporter, sent_at: datetime | None, label: str = "2026Q1") -> FeedbackCard:
    """A feedback card, sent at `sent_at` (None: still a draft). Made directly so the send time
    can lie in the past (feedback_send stamps now)."""
    year, quarter = int(label[:4]), int(label[-1])
    start = date(year, quarter * 3 - 2, 1)
    return FeedbackCard.objects.create(
        reporter=reporter,
        period_label=label,
        period_start=start,
        period_end=date(year, quarter * 3, 28),
        rating="good" if sent_at else "",
        service_hours=Decimal("0"),
        issued_on=start,
        channel=CHANNEL[reporter.kind],
        recipient_org_id=reporter.member.org_id if reporter.member else None,
        recipient_district_code=reporter.home_district_code,
        state=FeedbackState.SENT if sent_at else FeedbackState.DRAFT,
        sent_at=sent_at,
    )


def at(year: int, month_: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month_, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class World:
    s: Street
    reporters: dict[str, Reporter]


def build(s: Street) -> World:
    """The dataset of the report rate and feedback rate tests (see the expectations below)."""
    r: dict[str, Reporter] = {}
    # a: lives in c1, reported in 2026H1 before as_of: valid. Renewed in 2026H2 too.
    a = member(s, s.c1)
    r["a"] = report_create(community=s.c1, member=a, reported_on=date(2026, 2, 10)).reporter
    report_renew(reporter=r["a"], reported_on=date(2026, 7, 15))
    # b: lives in c1, reported, cancelled before as_of: not valid on 2026-03-31.
    b = member(s, s.c1)
    report_cancel(
        report=report_create(community=s.c1, member=b, reported_on=date(2026, 1, 5)),
        reason="搬家",
        cancelled_on=date(2026, 3, 1),
    )
    # b2: cancelled on as_of itself: a cancellation takes effect on its day, so not valid.
    b2 = member(s, s.c1)
    report_cancel(
        report=report_create(community=s.c1, member=b2, reported_on=date(2026, 1, 5)),
        reason="搬家",
        cancelled_on=date(2026, 3, 31),
    )
    # b3: cancelled after as_of: still valid on 2026-03-31.
    b3 = member(s, s.c1)
    report = report_create(community=s.c1, member=b3, reported_on=date(2026, 1, 6))
    r["b3"] = report.reporter
    report_cancel(report=report, reason="搬家", cancelled_on=date(2026, 4, 10))
    # d: lives in c2, reported only in the previous half-year (2025H2): not valid.
    d = member(s, s.c2)
    report_create(community=s.c2, member=d, reported_on=date(2025, 11, 3))
    # e: lives in c2, never reported.
    member(s, s.c2)
    # late: lives in c1, reported in 2026H1 but after as_of (2026-04-02): not valid on 03-31.
    late = member(s, s.c1)
    report_create(community=s.c1, member=late, reported_on=date(2026, 4, 2))
    # t: reported to c1 (2026-01-20), then moved to c2 and reported there (2026-02-01): two
    # valid reports, counted once, at the first (c1).
    t = member(s, s.c1)
    r["t"] = report_create(community=s.c1, member=t, reported_on=date(2026, 1, 20)).reporter
    t = member_update(member=t, changes={"residence_community": s.c2})
    r["t2"] = report_create(community=s.c2, member=t, reported_on=date(2026, 2, 1)).reporter
    # p: a member of district beta (kind platform) reporting to c2: counted here.
    r["p"] = report_create(
        community=s.c2, external=from_elsewhere(platform="beta"), reported_on=date(2026, 3, 15)
    ).reporter
    assert r["p"].kind == "platform"
    # q: one person of beta reporting to c2 (2026-01-10) and c1 (2026-02-20): once, at c2.
    q_number = new_id_number()
    r["q"] = report_create(
        community=s.c2,
        external=from_elsewhere(platform="beta", id_number=q_number),
        reported_on=date(2026, 1, 10),
    ).reporter
    r["q1"] = report_create(
        community=s.c1,
        external=from_elsewhere(platform="beta", id_number=q_number),
        reported_on=date(2026, 2, 20),
    ).reporter
    # x: off the platform (kind external), reported to c1 on as_of itself: valid.
    r["x"] = report_create(
        community=s.c1, external=from_elsewhere(), reported_on=date(2026, 3, 31)
    ).reporter
    assert r["x"].kind == "external"
    # nowhere: an in-service member of ours with no residence community and no report: does not
    # live in the district, not counted.
    member(s, None)
    # newcomer: joined the Party on 2026-05-01, lives in c1: not a member on 2026-03-31.
    member(s, s.c1, joined_on=date(2026, 5, 1))
    return World(s, r)


def test_report_rate(in_alpha: None) -> None:
    w = build(make_street())
    s = w.s
    compute_metrics(s.street, Q1, today=TODAY, metrics=METRICS)
    # c1 reported: a, b3, t (first report), x = 4; living there without a valid report:
    # b (cancelled 03-01), b2 (cancelled on as_of), late (reported 04-02) = 3 → 4/7.
    # (q reported to c1 too, but is counted at c2, where q reported first.)
    assert counts(s.c1, "report_rate", Q1) == (4, 7)
    assert figure(s.c1, "report_rate", Q1).value == Decimal("57.1429")
    # c2 reported: p, q = 2; without: d (2025H2 only), e (never) = 2 → 2/4. t lives in c2 now
    # but is counted at c1, where they reported first.
    assert counts(s.c2, "report_rate", Q1) == (2, 4)
    assert figure(s.c2, "report_rate", Q1).value == Decimal("50.0000")
    # Nobody lives in or reported to c3: 0 ÷ 0 has no value.
    assert counts(s.c3, "report_rate", Q1) == (0, 0)
    assert figure(s.c3, "report_rate", Q1).value is None
    # The unit org holds the relations but counts nobody: people count where they report.
    assert figure(s.unit_org, "report_rate", Q1).value is None
    # The street (the scope's top) is the sum of its communities: 6/11.
    assert counts(s.street, "report_rate", Q1) == (6, 11)
    assert figure(s.street, "report_rate", Q1).value == Decimal("54.5455")

    # 2026-Q3 (as_of 09-30, half-year 2026H2): only a renewed. Everybody else's 2026H1 report
    # has lapsed; people from elsewhere without a valid report live outside our roll and drop
    # out. c1: a reported; a, b, b2, b3, late, newcomer (joined 05-01) live there → 1/6.
    # c2: d, e, t (moved there) → 0/3.
    compute_metrics(s.street, Q3, today=TODAY, metrics=METRICS)
    assert counts(s.c1, "report_rate", Q3) == (1, 6)
    assert counts(s.c2, "report_rate", Q3) == (0, 3)
    assert figure(s.c2, "report_rate", Q3).value == Decimal("0.0000")
    assert counts(s.street, "report_rate", Q3) == (1, 9)


def test_feedback_rate(in_alpha: None) -> None:
    w = build(make_street())
    s, r = w.s, w.reporters
    card(r["a"], at(2026, 3, 20))  # sent in the period: counts
    card(r["x"], at(2025, 12, 31, 23, 50), "2025Q4")  # sent the evening before it began: not
    card(r["p"], at(2026, 2, 11))  # sent in the period: counts
    card(r["t"], None)  # a draft never sent: not
    card(r["b3"], at(2026, 4, 3))  # sent after as_of (03-31): not
    acknowledged = card(r["q"], at(2026, 1, 1, 0, 10))  # 00:10 local on the period's first day
    acknowledged.state = FeedbackState.ACKNOWLEDGED
    acknowledged.acknowledged_at = at(2026, 1, 5)
    acknowledged.save()
    card(r["q1"], at(2026, 3, 1))  # q's second reporter row: q still counts once
    compute_metrics(s.street, Q1, today=TODAY, metrics=METRICS)
    # Denominator: the report rate's numerator. c1: a, b3, t, x → only a was fed back: 1/4.
    assert counts(s.c1, "feedback_rate", Q1) == (1, 4)
    assert figure(s.c1, "feedback_rate", Q1).value == Decimal("25.0000")
    # c2: p (sent), q (sent, since acknowledged) → 2/2.
    assert counts(s.c2, "feedback_rate", Q1) == (2, 2)
    assert figure(s.c2, "feedback_rate", Q1).value == Decimal("100.0000")
    assert figure(s.c3, "feedback_rate", Q1).value is None
    assert counts(s.street, "feedback_rate", Q1) == (3, 6)
    assert figure(s.street, "feedback_rate", Q1).value == Decimal("50.0000")
    # 2026-Q3: only a has a valid report, and no card was sent in Q3 → 0/1.
    compute_metrics(s.street, Q3, today=TODAY, metrics=METRICS)
    assert counts(s.street, "feedback_rate", Q3) == (0, 1)
    assert figure(s.street, "feedback_rate", Q3).value == Decimal("0.0000")


def test_a_member_living_and_reporting_in_another_district(in_alpha: None) -> None:
    """m is a member of alpha (relation at alpha's unit org) who lives in beta (no residence
    community in alpha) and reports to a community of beta, where m is a platform reporter.
    Alpha does not count m at all; beta counts m where m reported."""
    number = new_id_number()
    a = make_street()
    member(a, None, id_number=number)  # m
    member(a, a.c1)  # n: an in-service member living in alpha's c1 who has not reported
    with in_district("beta"):
        b = make_street()
        reporter = report_create(
            community=b.c1,
            external=from_elsewhere(platform="alpha", id_number=number),
            reported_on=date(2026, 2, 2),
        ).reporter
        assert reporter.kind == "platform"
        member(b, b.c1)  # a beta member living in b.c1 who has not reported
        compute_metrics(b.street, Q1, today=TODAY, metrics=METRICS)
        # beta: m reported to b.c1 (counted in numerator and denominator) + one resident → 1/2.
        assert counts(b.c1, "report_rate", Q1) == (1, 2)
        assert counts(b.street, "report_rate", Q1) == (1, 2)
        assert counts(b.street, "feedback_rate", Q1) == (0, 1)
    compute_metrics(a.street, Q1, today=TODAY, metrics=METRICS)
    # alpha: only n, living in c1 → 0/1; m is in neither figure.
    assert counts(a.c1, "report_rate", Q1) == (0, 1)
    assert counts(a.street, "report_rate", Q1) == (0, 1)
    assert figure(a.street, "report_rate", Q1).value == Decimal("0.0000")
    assert figure(a.unit_org, "report_rate", Q1).value is None
    # Nobody in alpha's street reported: the feedback rate has no value.
    assert counts(a.street, "feedback_rate", Q1) == (0, 0)
    assert figure(a.street, "feedback_rate", Q1).value is None


def test_a_local_reporter_who_left_the_district(in_alpha: None) -> None:
    """A local reporter whose member row is gone (transferred out) is no longer counted, though
    the report was never cancelled; a platform reporter who became a member of ours is one
    person, counted where they reported."""
    s = make_street()
    gone = member(s, s.c1)
    reporter = report_create(community=s.c1, member=gone, reported_on=date(2026, 1, 8)).reporter
    Member.objects.filter(pk=gone.pk).delete()  # what transfers.remove_member does
    reporter.refresh_from_db()
    assert reporter.member_id is None
    number = new_id_number()
    report_create(
        community=s.c2,
        external=from_elsewhere(platform="beta", id_number=number),
        reported_on=date(2026, 1, 9),
    )
    member(s, s.c1, id_number=number)  # arrived later, lives in c1 by the roll
    compute_metrics(s.street, Q1, today=TODAY, metrics=METRICS)
    assert counts(s.c1, "report_rate", Q1) == (0, 0)  # gone: not counted; arrival: at c2
    assert counts(s.c2, "report_rate", Q1) == (1, 1)
    assert counts(s.street, "report_rate", Q1) == (1, 1)
