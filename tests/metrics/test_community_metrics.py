"""共建覆盖率 and 阵地覆盖率 on a hand-built street (in-process, alpha): which communities count,
which pairs and activity rooms cover them, on which days. Every expected figure below is counted
by hand in the comments."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from backend.cobuilding.models import CoBuildingPair
from backend.cobuilding.parties import Party
from backend.cobuilding.services import PairData, pair_create, pair_end
from backend.metrics.models import MetricSnapshot
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.positions.services import PositionData, position_close, position_create
from backend.units.services import UnitData, unit_create
from tests.metrics.support import Period, compute_metrics, counts, figure

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2026-Q1")  # 2026-01-01 .. 2026-03-31
FEBRUARY = Period.parse("2026-02")  # 2026-02-01 .. 2026-02-28
TODAY = date(2026, 6, 1)  # both periods are over: as_of is their last day
METRICS = ("cobuilding_coverage", "position_coverage")


def _org(name: str, kind: str, parent: PartyOrg, **dates: date) -> PartyOrg:
    code = f"cm-{uuid.uuid4().hex[:10]}"
    return org_create(code=code, name=name, kind=kind, parent=parent, **dates)


def _pair(a: Party, b: Party, starts: date, ends: date) -> CoBuildingPair:
    return pair_create(data=PairData(a=a, b=b, starts_on=starts, ends_on=ends))


def _room(
    community: PartyOrg,
    *,
    standard: bool = True,
    opened: date | None = None,
    closed: date | None = None,
    kind: str = "activity_room",
) -> None:
    position = position_create(
        data=PositionData(
            community=community,
            kind=kind,
            name=f"活动室{uuid.uuid4().hex[:4]}",
            meets_standard=standard,
            opened_on=opened,
        )
    )
    if closed is not None:
        position_close(position=position, closed_on=closed)


@pytest.fixture
def street(in_alpha: None) -> dict[str, PartyOrg]:
    root = PartyOrg.objects.get(parent__isnull=True)
    s = _org("共建街道党工委", "street_working_committee", root)
    orgs = {
        "S": s,
        "K1": _org("一社区党委", "community_committee", s),
        "K2": _org("二社区党总支", "community_general_branch", s),
        "K3": _org("三社区党委", "community_committee", s),
        "K4": _org("四社区党委", "community_committee", s),
        # Not counted: set up after the quarter, and dissolved before it.
        "K5": _org("新建社区党委", "community_committee", s, established_on=date(2026, 5, 1)),
        "K6": _org("撤销社区党委", "community_committee", s, end_date=date(2025, 12, 31)),
        # Holds no community: an empty subtree.
        "J": _org("楼宇联合党支部", "joint_branch", s),
    }
    orgs["B"] = _org("一社区小区党支部", "compound_branch", orgs["K1"])
    organ_org = _org("区民政局机关党支部", "unit_org", root)
    organ = unit_create(
        data=UnitData(
            name=f"区民政局{uuid.uuid4().hex[:6]}",
            kind="organ",
            employee_count=40,
            party_member_count=20,
            party_org_status="own",
            covering_org=organ_org,
        )
    )
    enterprise = unit_create(
        data=UnitData(
            name=f"二社区企业{uuid.uuid4().hex[:6]}",
            kind="non_public_enterprise",
            locality=orgs["K2"],
        )
    )
    k1, k2, k3, k4 = orgs["K1"], orgs["K2"], orgs["K3"], orgs["K4"]
    # K1 ↔ the organ (a unit side), all year round: K1 covered in Q1 and February.
    _pair(Party(org=k1), Party(unit=organ), date(2025, 7, 1), date(2026, 6, 30))
    # K2: its pair with the organ's branch was ended on 20 Dec 2025, before both periods; a pair
    # of an enterprise sitting in K2 (a unit side) does not cover K2.
    ended = _pair(Party(org=k2), Party(org=organ_org), date(2025, 1, 1), date(2026, 12, 31))
    pair_end(pair=ended, ended_on=date(2025, 12, 20), reason="单位搬迁")
    _pair(Party(unit=enterprise), Party(org=organ_org), date(2025, 6, 1), date(2026, 12, 31))
    # K3: a pair whose last day is the quarter's first day: covered in Q1, not in February.
    _pair(Party(org=organ_org), Party(org=k3), date(2025, 1, 1), date(2026, 1, 1))
    # K4: a pair that starts after the quarter.
    _pair(Party(org=k4), Party(org=organ_org), date(2026, 4, 1), date(2027, 3, 31))
    # A pair of the compound branch under K1 does not make anything more covered.
    _pair(Party(org=orgs["B"]), Party(org=organ_org), date(2025, 1, 1), date(2026, 12, 31))

    # Rooms. K1: a standard room open since 2025. K2: a standard room closed on 15 March.
    # K3: an open room below the standard. K4: a standard room of unknown opening date closed on
    # 31 March (not open that day), its successor opened 10 April; and a standard member home.
    _room(k1, opened=date(2025, 1, 1))
    _room(k2, opened=date(2024, 5, 1), closed=date(2026, 3, 15))
    _room(k3, standard=False, opened=date(2024, 1, 1))
    _room(k4, closed=date(2026, 3, 31))
    _room(k4, opened=date(2026, 4, 10))
    _room(k4, opened=date(2024, 1, 1), kind="member_home")
    return orgs


def test_cobuilding_coverage(street: dict[str, PartyOrg]) -> None:
    compute_metrics(street["S"], Q1, today=TODAY, metrics=METRICS)
    # Communities K1..K4 (K5 set up later, K6 dissolved before); covered: K1, K3.
    assert counts(street["S"], "cobuilding_coverage", Q1) == (2, 4)
    assert figure(street["S"], "cobuilding_coverage", Q1).value == Decimal("50.0000")
    assert counts(street["K1"], "cobuilding_coverage", Q1) == (1, 1)
    assert counts(street["K2"], "cobuilding_coverage", Q1) == (0, 1)
    assert counts(street["K3"], "cobuilding_coverage", Q1) == (1, 1)
    assert counts(street["K4"], "cobuilding_coverage", Q1) == (0, 1)
    assert figure(street["K2"], "cobuilding_coverage", Q1).value == Decimal("0.0000")

    compute_metrics(street["S"], FEBRUARY, today=TODAY, metrics=METRICS)
    # February: only K1's pair is in force (K3's ended on 1 January).
    assert counts(street["S"], "cobuilding_coverage", FEBRUARY) == (1, 4)
    assert counts(street["K3"], "cobuilding_coverage", FEBRUARY) == (0, 1)


def test_position_coverage(street: dict[str, PartyOrg]) -> None:
    compute_metrics(street["S"], Q1, today=TODAY, metrics=METRICS)
    # On 31 March only K1 has an open standard room.
    assert counts(street["S"], "position_coverage", Q1) == (1, 4)
    assert figure(street["S"], "position_coverage", Q1).value == Decimal("25.0000")
    assert counts(street["K2"], "position_coverage", Q1) == (0, 1)
    assert counts(street["K3"], "position_coverage", Q1) == (0, 1)
    assert counts(street["K4"], "position_coverage", Q1) == (0, 1)

    compute_metrics(street["S"], FEBRUARY, today=TODAY, metrics=METRICS)
    # On 28 February K2's room (closed 15 March) and K4's old room were still open: K1, K2, K4.
    assert counts(street["S"], "position_coverage", FEBRUARY) == (3, 4)
    assert counts(street["K2"], "position_coverage", FEBRUARY) == (1, 1)
    assert counts(street["K4"], "position_coverage", FEBRUARY) == (1, 1)


def test_a_subtree_without_communities_has_no_value(street: dict[str, PartyOrg]) -> None:
    compute_metrics(street["S"], Q1, today=TODAY, metrics=METRICS)
    for metric in METRICS:
        for org in ("J", "B"):
            empty = figure(street[org], metric, Q1)
            assert (empty.numerator, empty.denominator, empty.value) == (0, 0, None)
        # A community not yet set up has no snapshot for the quarter at all.
        assert not MetricSnapshot.objects.filter(org=street["K5"], metric=metric).exists()


def test_a_community_set_up_later_counts_from_then_on(street: dict[str, PartyOrg]) -> None:
    q2 = Period.parse("2026-Q2")  # as_of 2026-06-01 (today, the quarter still runs)
    compute_metrics(street["S"], q2, today=TODAY, metrics=METRICS)
    # K1..K5 (K5 set up 1 May); pairs in force: K1, K4 (from 1 April); rooms open on 1 June:
    # K1 and K4's successor.
    assert counts(street["S"], "cobuilding_coverage", q2) == (2, 5)
    assert counts(street["S"], "position_coverage", q2) == (2, 5)
    assert counts(street["K5"], "position_coverage", q2) == (0, 1)
