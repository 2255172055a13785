"""组织覆盖率 and 工作覆盖率 on a hand-built street (in-process, alpha): which units count, where
they are attributed (locality, else covering org, else the district), and which instructors and
liaisons make work coverage. Every expected figure below is counted by hand in the comments."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from backend.units.services import (
    AssignmentData,
    UnitData,
    unit_assignment_create,
    unit_assignment_end,
    unit_create,
)
from tests.metrics.support import Period, compute_metrics, counts, figure

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2026-Q1")  # 2026-01-01 .. 2026-03-31
TODAY = date(2026, 6, 1)  # the quarter is over: as_of is 2026-03-31
NPE, SO = "non_public_enterprise", "social_organisation"
METRICS = ("org_coverage", "work_coverage")
# Registered well before the quarter's end, unless a test says otherwise.
REGISTERED = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def _org(name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    return org_create(code=f"um-{uuid.uuid4().hex[:10]}", name=name, kind=kind, parent=parent)


def _unit(
    name: str,
    kind: str = NPE,
    status: str = "none",
    covering: PartyOrg | None = None,
    locality: PartyOrg | None = None,
    registered: datetime = REGISTERED,
) -> Unit:
    unit = unit_create(
        data=UnitData(
            name=f"{name}{uuid.uuid4().hex[:6]}",
            kind=kind,
            employee_count=30,
            party_member_count=5 if status == "own" else 1,
            party_org_status=status,
            covering_org=covering,
            locality=locality,
        )
    )
    Unit.objects.filter(pk=unit.pk).update(created_at=registered)
    return unit


def _assign(unit: Unit, role: str, by: PartyOrg, start: date, end: date | None = None) -> None:
    assignment = unit_assignment_create(
        data=AssignmentData(
            unit=unit, role=role, person_name="张建国", assigned_by=by, start_date=start
        )
    )
    if end is not None:
        unit_assignment_end(assignment=assignment, end_date=end)


@pytest.fixture
def street(in_alpha: None) -> dict[str, PartyOrg]:
    """Street S with communities C1, C2, C3 (C3 has no units), a joint branch J under S covering
    units in C1, C2 and one with no locality, and a unit org UO under C1."""
    root = PartyOrg.objects.get(parent__isnull=True)
    s = _org("覆盖街道党工委", "street_working_committee", root)
    orgs = {
        "S": s,
        "C1": _org("一社区党委", "community_committee", s),
        "C2": _org("二社区党总支", "community_general_branch", s),
        "C3": _org("三社区党委", "community_committee", s),
        "J": _org("楼宇非公企业联合党支部", "joint_branch", s),
    }
    orgs["UO"] = _org("星光科技党支部", "unit_org", orgs["C1"])
    c1, c2, j, uo = orgs["C1"], orgs["C2"], orgs["J"], orgs["UO"]
    # C1: E1 joint (org, work), E3 own (org, work), E5 social org whose instructor left on
    # 2026-03-01 (neither), E7 whose instructor only starts 2026-04-10 (neither).
    _unit("E1联合企业", status="joint", covering=j, locality=c1)
    _unit("E3自建企业", status="own", covering=uo, locality=c1)
    e5 = _unit("E5社会组织", kind=SO, locality=c1)
    _assign(e5, "instructor", s, date(2026, 1, 1), end=date(2026, 3, 1))
    e7 = _unit("E7企业", locality=c1)
    _assign(e7, "instructor", s, date(2026, 4, 10))
    # Not counted at all: a resident unit (not a 两新组织), and an enterprise registered at
    # 04:00 on 1 April, Beijing time (still 31 March in UTC).
    _unit("E10驻区单位", kind="resident_unit", status="own", covering=uo, locality=c1)
    _unit(
        "E11新企业",
        status="own",
        covering=uo,
        locality=c1,
        registered=datetime(2026, 3, 31, 20, 0, tzinfo=UTC),
    )
    # C2: E2 joint in the same joint branch as E1 (org, work), E4 attached to C2 (work only),
    # E6 social org with a liaison since February (work only), E12 whose instructor's last day
    # was 30 March (end date 31 March is the first day without: neither).
    _unit("E2联合企业", status="joint", covering=j, locality=c2)
    _unit("E4挂靠企业", status="attached", covering=c2, locality=c2)
    e6 = _unit("E6社会组织", kind=SO, locality=c2)
    _assign(e6, "liaison", s, date(2026, 2, 1))
    e12 = _unit("E12企业", locality=c2)
    _assign(e12, "instructor", s, date(2026, 1, 10), end=date(2026, 3, 31))
    # No locality: E8 is counted at its covering joint branch J (org, work); E9 sits in the
    # street's own area (neither).
    _unit("E8联合企业", status="joint", covering=j)
    _unit("E9企业", locality=s)
    return orgs


def test_units_are_counted_once_at_their_locality(street: dict[str, PartyOrg]) -> None:
    compute_metrics(street["S"], Q1, today=TODAY, metrics=METRICS)
    # C1: enterprises E1, E3, E7 and social org E5 (E10, E11 not counted); with an org: E1, E3.
    assert counts(street["C1"], "org_coverage", Q1) == (2, 4)
    assert counts(street["C1"], "org_coverage", Q1, NPE) == (2, 3)
    assert counts(street["C1"], "org_coverage", Q1, SO) == (0, 1)
    # C2: E2, E4, E12 and E6; with an org: E2 only (E4 is attached).
    assert counts(street["C2"], "org_coverage", Q1) == (1, 4)
    assert counts(street["C2"], "org_coverage", Q1, NPE) == (1, 3)
    # The joint branch holds only E8, which has no locality; E1 and E2 count at C1 and C2.
    assert counts(street["J"], "org_coverage", Q1) == (1, 1)
    # The unit org covering E3 has no units of its own: E3 counts at C1.
    assert counts(street["UO"], "org_coverage", Q1) == (0, 0)
    # S: C1 + C2 + J + E9 = 4 + 4 + 1 + 1 units, with an org 2 + 1 + 1 + 0.
    assert counts(street["S"], "org_coverage", Q1) == (4, 10)
    assert counts(street["S"], "org_coverage", Q1, NPE) == (4, 8)
    assert counts(street["S"], "org_coverage", Q1, SO) == (0, 2)
    assert figure(street["S"], "org_coverage", Q1).value == Decimal("40.0000")
    assert figure(street["C2"], "org_coverage", Q1).value == Decimal("25.0000")


def test_work_coverage_counts_attached_units_and_serving_assignments(
    street: dict[str, PartyOrg],
) -> None:
    compute_metrics(street["S"], Q1, today=TODAY, metrics=METRICS)
    # C1: E1, E3 (orgs); E5's instructor left before as_of, E7's starts after it.
    assert counts(street["C1"], "work_coverage", Q1) == (2, 4)
    assert counts(street["C1"], "work_coverage", Q1, SO) == (0, 1)
    # C2: E2 (org), E4 (attached), E6 (liaison); not E12 (instructor gone on 31 March).
    assert counts(street["C2"], "work_coverage", Q1) == (3, 4)
    assert counts(street["C2"], "work_coverage", Q1, NPE) == (2, 3)
    assert counts(street["C2"], "work_coverage", Q1, SO) == (1, 1)
    # S: 2 + 3 + 1 (E8) + 0 (E9) of 10.
    assert counts(street["S"], "work_coverage", Q1) == (6, 10)
    assert figure(street["S"], "work_coverage", Q1).value == Decimal("60.0000")


def test_an_assignment_counts_on_the_days_it_runs(street: dict[str, PartyOrg]) -> None:
    february = Period.parse("2026-02")  # as_of 2026-02-28
    compute_metrics(street["S"], february, today=TODAY, metrics=METRICS)
    # E5's instructor (1 Jan – 1 Mar) is serving on 28 Feb, as is E12's (10 Jan – 31 Mar).
    assert counts(street["C1"], "work_coverage", february) == (3, 4)
    assert counts(street["C2"], "work_coverage", february) == (4, 4)
    april = Period.parse("2026-04")  # as_of 2026-04-30: E7's instructor started 10 April, and
    # E11 (registered 1 April, Beijing time) now counts, with its own org.
    compute_metrics(street["S"], april, today=TODAY, metrics=METRICS)
    assert counts(street["C1"], "work_coverage", april) == (4, 5)
    assert counts(street["C1"], "org_coverage", april) == (3, 5)


def test_an_empty_subtree_has_no_value(street: dict[str, PartyOrg]) -> None:
    compute_metrics(street["S"], Q1, today=TODAY, metrics=METRICS)
    for metric in METRICS:
        empty = figure(street["C3"], metric, Q1)
        assert (empty.numerator, empty.denominator, empty.value) == (0, 0, None)
        assert figure(street["C3"], metric, Q1, SO).value is None


def test_a_joint_branch_in_one_street_counts_units_where_they_sit(in_alpha: None) -> None:
    """A joint branch of street A covers an enterprise sitting in a community of street B: the
    enterprise counts under B, never under A; a unit with neither locality nor org counts at the
    district committee."""
    root = PartyOrg.objects.get(parent__isnull=True)
    a = _org("甲街道党工委", "street_working_committee", root)
    b = _org("乙街道党工委", "street_working_committee", root)
    joint = _org("甲街道联合党支部", "joint_branch", a)
    community = _org("乙街道某社区党委", "community_committee", b)
    _unit("跨街道企业", status="joint", covering=joint, locality=community)
    compute_metrics(root, Q1, today=TODAY, metrics=("org_coverage",))
    root_before = counts(root, "org_coverage", Q1)
    assert counts(a, "org_coverage", Q1) == (0, 0)
    assert counts(joint, "org_coverage", Q1) == (0, 0)
    assert counts(community, "org_coverage", Q1) == (1, 1)
    assert counts(b, "org_coverage", Q1) == (1, 1)

    _unit("无属地企业")  # no org, no locality: one more unit at the district, without an org
    compute_metrics(root, Q1, today=TODAY, metrics=("org_coverage",))
    assert counts(root, "org_coverage", Q1) == (root_before[0], root_before[1] + 1)
    assert counts(b, "org_coverage", Q1) == (1, 1)
