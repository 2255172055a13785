"""The member-attributed metrics (participation_rate, service_hours_per_member, mobile_coverage,
reemployment_rate, led_into_work) on a small hand-built street, with answers worked out by hand,
and a property test: on random small trees, every org's figures are its own facts (predicted by a
plain-Python model) plus the figures of its children.

ID numbers use region 450101."""

import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.activities.models import Activity, ActivityParticipation
from backend.activities.services.activity import ActivityData, activity_cancel, activity_create
from backend.activities.services.participants import MemberPart, participants_add
from backend.in_service.models import Reporter
from backend.in_service.services.activity import EntryData, entries_record
from backend.in_service.services.reporting import report_create
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.metrics.models import MetricSnapshot
from backend.mobile.models import MobileAssignment, MobileMemberProfile
from backend.mobile.services import (
    ProfileData,
    assignment_create,
    assignment_end,
    profile_create,
)
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.reemployment.checks import WorkerData
from backend.reemployment.models import EmploymentArchive
from backend.reemployment.services import archive_close, archive_register, status_change
from backend.transfers.models import RelationChange
from backend.transfers.services import relation_move
from tests.metrics.support import Period, compute_metrics, counts, figure, month

pytestmark = pytest.mark.django_db

REGION = "450101"
MINE = (
    "participation_rate",
    "service_hours_per_member",
    "mobile_coverage",
    "reemployment_rate",
    "led_into_work",
)
TODAY = date(2026, 1, 15)  # both months below are over: as_of is their last day
JUNE, JULY = month("2025-06"), month("2025-07")
_sequence = itertools.count(1)


def _id_number() -> str:
    """A fresh number of our region: birth dates from 1960 on, 900 numbers a day."""
    n = next(_sequence)
    return make_id_number(REGION, date(1960, 1, 1) + timedelta(days=n // 900), n % 900 + 1)


def _org(tag: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    code = f"mm-{tag}-{next(_sequence)}"
    return org_create(code=code, name=f"{tag}{name}", kind=kind, parent=parent)


def _member(
    name: str,
    category: str,
    org: PartyOrg,
    joined_on: date = date(2010, 1, 1),
) -> Member:
    return member_create(
        data=MemberData(
            name=name,
            id_number=_id_number(),
            education="bachelor",
            joined_on=joined_on,
            status="full",
            category=category,
            org=org,
        )
    )


def _activity(org: PartyOrg, on: date, *parts: tuple[Member, str]) -> Activity:
    activity = activity_create(data=ActivityData(org=org, title=f"活动{on}", occurred_on=on))
    if parts:
        participants_add(
            activity=activity,
            members=[MemberPart(member, Decimal(hours)) for member, hours in parts],
            units=[],
        )
    return activity


def _worker(name: str) -> WorkerData:
    return WorkerData(name=name, id_number=_id_number())


@dataclass
class Street:
    street: PartyOrg
    c1: PartyOrg  # community, holds branch b1
    b1: PartyOrg  # compound branch under c1
    c2: PartyOrg  # community
    c3: PartyOrg  # community with nobody in it
    unit: PartyOrg  # a unit's Party organisation under the street


@pytest.fixture
def street(in_alpha) -> Street:
    """Call them by letter: who is where, and what they did, is in the comments."""
    tag = uuid.uuid4().hex[:6]
    root = PartyOrg.objects.get(parent__isnull=True)
    s = _org(tag, "街道党工委", "street_working_committee", root)
    c1 = _org(tag, "一社区党委", "community_committee", s)
    b1 = _org(tag, "一小区党支部", "compound_branch", c1)
    c2 = _org(tag, "二社区党委", "community_committee", s)
    c3 = _org(tag, "三社区党委", "community_committee", s)
    unit = _org(tag, "某公司党支部", "unit_org", s)
    group = _org(tag, "流动党员党小组", "party_group", c1)

    a = _member("甲", "community", c1)
    b = _member("乙", "community", b1)
    c = _member("丙", "retired", c2)
    d = _member("丁", "retired", c2)
    e = _member("戊", "in_service", unit)
    f = _member("己", "community", c1)  # moves to c2 on 2025-07-10
    g = _member("庚", "community", c2, joined_on=date(2025, 7, 5))  # joins after June
    h = _member("辛", "mobile", c1)
    i = _member("壬", "mobile", c2)
    j = _member("癸", "mobile", c2)
    k = _member("子", "laid_off", c1)
    lay = _member("丑", "laid_off", c2)
    n = _member("寅", "laid_off", b1)
    o = _member("卯", "laid_off", c2)
    p = _member("辰", "laid_off", c2)
    q = _member("巳", "laid_off", c2)

    # Activities. a: two in June (2 h + 3 h); b: 31 May and 1 July only; c: one in June (1.5 h);
    # d: only one that is cancelled; e: 2 h in June; f: June in c1, July in c2; g: July.
    _activity(c1, date(2025, 6, 5), (a, "2"), (f, "1"))
    a2 = _activity(c1, date(2025, 6, 10), (a, "3"), (e, "2"))
    _activity(c2, date(2025, 6, 15), (c, "1.5"))
    _activity(c1, date(2025, 5, 31), (b, "1"))
    _activity(c1, date(2025, 7, 1), (b, "1"))
    a6 = _activity(c1, date(2025, 6, 20))  # e's card records it, e is not a participant
    a7 = _activity(c2, date(2025, 6, 25), (d, "2"))
    _activity(c2, date(2025, 7, 20), (f, "2"))
    _activity(c2, date(2025, 7, 21), (g, "1"))

    # e reports to c1 and keeps a community activity card: 4 h of its own in June (counted),
    # its part in a2 (already a participation: not counted again), in a6 (1 h, counted), in a7
    # (cancelled below: not counted), and 5 h in May (outside the month).
    report_create(community=c1, member=e, reported_on=date(2025, 5, 1))
    reporter = Reporter.objects.get(member=e)
    for on, hours, activity in (
        (date(2025, 6, 12), "4", None),
        (date(2025, 6, 10), "2", a2),
        (date(2025, 6, 20), "1", a6),
        (date(2025, 6, 25), "3", a7),
        (date(2025, 5, 20), "5", None),
    ):
        entries_record(
            reporters=[reporter],
            data=EntryData(
                occurred_on=on,
                title="服务",
                kind="activity",
                hours=Decimal(hours),
                activity=activity,
            ),
        )
    activity_cancel(activity=a7, reason="下雨")

    relation_move(member=f, to_org=c2, reason="relocation", on=date(2025, 7, 10))

    # Mobile members: h registered in c1, was in a party group until 31 May (the assignment
    # ended before June's as_of); i placed since April; j registered on 2 July.
    def profile(member: Member, community: PartyOrg, on: date) -> MobileMemberProfile:
        return profile_create(
            member=member,
            data=ProfileData(
                origin_place="外省某县",
                relation_location="in_district",
                trade="construction",
                community=community,
                registered_on=on,
            ),
        )

    placed = assignment_create(
        profile=profile(h, c1, date(2025, 3, 1)), org=group, start_date=date(2025, 3, 10)
    )
    assignment_end(assignment=placed, end_date=date(2025, 5, 31), reason="completed")
    assignment_create(
        profile=profile(i, c2, date(2025, 4, 1)), org=group, start_date=date(2025, 4, 5)
    )
    profile(j, c2, date(2025, 7, 2))

    # Employment archives. k re-employed in April and leads n (20 June), the worker w (15 May)
    # and the worker w2 (5 July) into work; lay flexible in May, laid off again 10 June;
    # o closed 20 June; p registered 1 July; q flexible since May.
    def archive(
        member: Member | None, community: PartyOrg, on: date, worker: WorkerData | None = None
    ) -> EmploymentArchive:
        return archive_register(community=community, registered_on=on, member=member, worker=worker)

    ak = archive(k, c1, date(2025, 2, 1))
    status_change(
        archive=ak, to_status="reemployed", changed_on=date(2025, 4, 1), employer="某超市"
    )
    al = archive(lay, c2, date(2025, 2, 1))
    status_change(archive=al, to_status="flexible", changed_on=date(2025, 5, 1))
    status_change(archive=al, to_status="laid_off", changed_on=date(2025, 6, 10))
    an = archive(n, c1, date(2025, 3, 1))
    status_change(
        archive=an,
        to_status="reemployed",
        changed_on=date(2025, 6, 20),
        employer="某物业",
        led_by=ak,
    )
    ao = archive(o, c2, date(2025, 1, 10))
    archive_close(archive=ao, closed_on=date(2025, 6, 20), reason="moved_away")
    archive(p, c2, date(2025, 7, 1))
    aq = archive(q, c2, date(2025, 2, 1))
    status_change(archive=aq, to_status="flexible", changed_on=date(2025, 5, 1))
    aw = archive(None, c1, date(2025, 3, 1), worker=_worker("职工甲"))
    status_change(
        archive=aw, to_status="reemployed", changed_on=date(2025, 5, 15), employer="某厂", led_by=ak
    )
    aw2 = archive(None, c1, date(2025, 3, 1), worker=_worker("职工乙"))
    status_change(
        archive=aw2, to_status="reemployed", changed_on=date(2025, 7, 5), employer="某厂", led_by=ak
    )

    for period in (JUNE, JULY):
        compute_metrics(s, period, today=TODAY, metrics=MINE)
    return Street(street=s, c1=c1, b1=b1, c2=c2, c3=c3, unit=unit)


# On 30 June (f has not moved yet, g has not joined): c1 holds a, f (community), h (mobile),
# k (laid off); b1 holds b (community), n (laid off); c2 holds c, d (retired), i, j (mobile),
# lay, o, p, q (laid off); the unit holds e (in service). 15 members.
# On 31 July: f and g are in c2 as well. 16 members.


def test_participation_june(street: Street) -> None:
    rate = "participation_rate"
    # a, c, e, f took part in June; b only outside it, d only in a cancelled activity.
    assert counts(street.street, rate, JUNE) == (4, 15)
    assert figure(street.street, rate, JUNE).value == Decimal("26.6667")
    assert counts(street.street, rate, JUNE, "community") == (2, 3)  # a, f of a, b, f
    assert counts(street.street, rate, JUNE, "retired") == (1, 2)  # c of c, d
    assert counts(street.street, rate, JUNE, "in_service") == (1, 1)
    assert counts(street.street, rate, JUNE, "mobile") == (0, 3)
    assert counts(street.street, rate, JUNE, "laid_off") == (0, 6)
    # c1 with its branch: a, f of a, b, f, h, k, n; a counted once for two activities.
    assert counts(street.c1, rate, JUNE) == (2, 6)
    assert counts(street.c1, rate, JUNE, "community") == (2, 3)
    assert counts(street.b1, rate, JUNE) == (0, 2)
    assert counts(street.c2, rate, JUNE) == (1, 8)
    assert counts(street.c2, rate, JUNE, "retired") == (1, 2)
    assert counts(street.unit, rate, JUNE, "in_service") == (1, 1)


def test_participation_july_after_move(street: Street) -> None:
    rate = "participation_rate"
    # July: b (1 July), f (now in c2) and g (joined 5 July, in c2).
    assert counts(street.street, rate, JULY) == (3, 16)
    assert counts(street.c1, rate, JULY) == (1, 5)  # b of a, b, h, k, n
    assert counts(street.c1, rate, JULY, "community") == (1, 2)  # f no longer here
    assert counts(street.c2, rate, JULY) == (2, 10)
    assert counts(street.c2, rate, JULY, "community") == (2, 2)  # f and g


def test_empty_community_has_no_value(street: Street) -> None:
    for metric in MINE:
        for period in (JUNE, JULY):
            found = figure(street.c3, metric, period)
            assert (found.numerator, found.denominator, found.value) == (0, 0, None), metric
    assert figure(street.c3, "participation_rate", JUNE, "retired").value is None


def test_service_hours(street: Street) -> None:
    hours = "service_hours_per_member"
    # June: a 2 + 3, c 1.5, f 1, e 2 (a2) + 4 (card, no activity) + 1 (card, a6) = 14.5 h
    # over 15 members; e's card entry for a2 is already a participation, a7 was cancelled.
    assert figure(street.street, hours, JUNE).numerator == Decimal("14.5")
    assert figure(street.street, hours, JUNE).denominator == 15
    assert figure(street.street, hours, JUNE).value == Decimal("0.9667")
    assert figure(street.unit, hours, JUNE, "in_service").numerator == Decimal("7")
    assert figure(street.c1, hours, JUNE).numerator == Decimal("6")  # a 5, f 1
    assert figure(street.c1, hours, JUNE).value == Decimal("1.0000")  # 6 h over 6 members
    assert figure(street.c2, hours, JUNE, "retired").numerator == Decimal("1.5")
    assert figure(street.c2, hours, JUNE, "retired").value == Decimal("0.7500")
    # July: b 1 (c1), f 2 and g 1 (c2): 4 h over 16 members.
    assert figure(street.street, hours, JULY).numerator == Decimal("4")
    assert figure(street.street, hours, JULY).value == Decimal("0.2500")
    assert figure(street.c2, hours, JULY, "community").numerator == Decimal("3")
    assert figure(street.c1, hours, JULY, "community").numerator == Decimal("1")


def test_mobile_coverage(street: Street) -> None:
    cover = "mobile_coverage"
    # June: h (c1, assignment ended 31 May) and i (c2, placed); j registered in July.
    assert counts(street.street, cover, JUNE) == (1, 2)
    assert counts(street.c1, cover, JUNE) == (0, 1)
    assert counts(street.c2, cover, JUNE) == (1, 1)
    assert figure(street.b1, cover, JUNE).value is None
    # July: j registered, not placed.
    assert counts(street.street, cover, JULY) == (1, 3)
    assert counts(street.c2, cover, JULY) == (1, 2)


def test_reemployment_rate(street: Street) -> None:
    rate = "reemployment_rate"
    # 30 June: open member archives k (re-employed, c1), n (re-employed 20 June, b1), lay (laid
    # off again, c2), q (flexible, c2); o closed 20 June, p registered in July; workers are not
    # members.
    assert counts(street.street, rate, JUNE) == (3, 4)
    assert counts(street.c1, rate, JUNE) == (2, 2)
    assert counts(street.b1, rate, JUNE) == (1, 1)
    assert counts(street.c2, rate, JUNE) == (1, 2)
    assert figure(street.c2, rate, JUNE).value == Decimal("50.0000")
    # 31 July: p joins the denominator in c2.
    assert counts(street.street, rate, JULY) == (3, 5)
    assert counts(street.c2, rate, JULY) == (1, 3)


def test_led_into_work(street: Street) -> None:
    led = "led_into_work"
    # 30 June: k (c1) led n and the worker w into work; w2 is led on 5 July. Over the three
    # re-employed members k (c1), n (b1), q (c2).
    assert counts(street.street, led, JUNE) == (2, 3)
    assert counts(street.c1, led, JUNE) == (2, 2)
    assert figure(street.c1, led, JUNE).value == Decimal("1.0000")
    assert counts(street.b1, led, JUNE) == (0, 1)
    assert counts(street.c2, led, JUNE) == (0, 1)
    assert counts(street.street, led, JULY) == (3, 3)
    assert counts(street.c1, led, JULY) == (3, 2)


# --------------------------------------------------------------------------------- property


AS_OF = JUNE.end
DAYS = [date(2025, 5, 20), date(2025, 6, 1), date(2025, 6, 15), date(2025, 6, 30), date(2025, 7, 2)]
CATEGORIES = ["community", "retired", "in_service", "mobile", "laid_off"]

member_spec = st.fixed_dictionaries(
    {
        "org": st.integers(min_value=0, max_value=20),
        "category": st.sampled_from(CATEGORIES),
        "joined_late": st.booleans(),  # joined on 2 July, after as_of
        # (day, new org) of a move, or None
        "move": st.none() | st.tuples(st.sampled_from(DAYS), st.integers(0, 20)),
        "parts": st.lists(
            st.tuples(st.sampled_from(DAYS), st.sampled_from(["0", "1", "2.5"])), max_size=3
        ),
        # mobile: registered on, assignment (start, end or None) or None
        "registered": st.sampled_from(DAYS),
        "assignment": st.none()
        | st.tuples(st.sampled_from(DAYS), st.none() | st.sampled_from(DAYS)),
        # laid off: registered on, re-employed / flexible on (or None), closed on (or None)
        "employed": st.none()
        | st.tuples(st.sampled_from(["reemployed", "flexible"]), st.sampled_from(DAYS)),
        "closed": st.none() | st.sampled_from(DAYS),
        "leads": st.lists(st.sampled_from(DAYS), max_size=2),  # workers led into work on
    }
)
tree_spec = st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4)


@dataclass
class Expected:
    """Own facts per org and breakdown: (numerator, denominator)."""

    rows: dict[tuple[str, int, str], list[Decimal]] = field(
        default_factory=lambda: defaultdict(lambda: [Decimal(0), Decimal(0)])
    )

    def add(self, metric: str, org: int, breakdown: str, num: object, den: int) -> None:
        for key in (
            ((metric, org, breakdown), (metric, org, "")) if breakdown else ((metric, org, ""),)
        ):
            self.rows[key][0] += Decimal(str(num))
            self.rows[key][1] += den


class _Rollback(Exception):
    pass


def _build_and_predict(branches: list[int], specs: list[dict]) -> tuple[list[PartyOrg], Expected]:
    tag = uuid.uuid4().hex[:6]
    root = PartyOrg.objects.get(parent__isnull=True)
    street = _org(tag, "街道", "street_working_committee", root)
    orgs = [street]
    communities = []
    for number, count in enumerate(branches):
        community = _org(tag, f"社区{number}", "community_committee", street)
        orgs.append(community)
        communities.append(community)
        orgs += [
            _org(tag, f"社区{number}支部{b}", "compound_branch", community) for b in range(count)
        ]
    group = _org(tag, "党小组", "party_group", communities[0])
    expected = Expected()
    leader_archives: list[tuple[EmploymentArchive, int]] = []  # (archive, org on as_of)
    activity = activity_create(data=ActivityData(org=street, title="活动", occurred_on=DAYS[0]))
    activities = {DAYS[0]: activity}
    for spec in specs:
        org = orgs[spec["org"] % len(orgs)]
        joined = date(2025, 7, 2) if spec["joined_late"] else date(2010, 1, 1)
        member = _member("某", spec["category"], org, joined_on=joined)
        org_on_as_of = org
        move = spec["move"]
        if move is not None and orgs[move[1] % len(orgs)].pk != org.pk:
            to = orgs[move[1] % len(orgs)]
            member.org = to
            member.save(update_fields=["org"])
            RelationChange.objects.create(
                member=member, date=move[0], from_org=org, to_org=to, reason="relocation"
            )
            org_on_as_of = to if move[0] <= AS_OF else org
        counted = joined <= AS_OF
        where, cat = org_on_as_of.pk, spec["category"]
        parts = {}
        for on, hours in spec["parts"]:
            parts[on] = Decimal(hours)  # one participation per activity (a day here)
        for on, hours in parts.items():
            if on not in activities:
                activities[on] = Activity.objects.create(org=street, title="活动", occurred_on=on)
            ActivityParticipation.objects.create(
                activity=activities[on], member=member, hours=hours, occurred_on=on
            )
        in_june = [h for on, h in parts.items() if JUNE.start <= on <= AS_OF]
        if counted:
            expected.add("participation_rate", where, cat, 1 if in_june else 0, 1)
            expected.add("service_hours_per_member", where, cat, sum(in_june, Decimal(0)), 1)
        if cat == "mobile":
            profile = MobileMemberProfile.objects.create(
                member=member,
                origin_place="某地",
                relation_location="in_district",
                trade="other",
                community=communities[0],
                registered_on=spec["registered"],
            )
            placed = False
            if spec["assignment"] is not None:
                start, end = spec["assignment"]
                end = end if end is None or end >= start else None
                MobileAssignment.objects.create(
                    profile=profile,
                    org=group,
                    start_date=start,
                    end_date=end,
                    end_reason="completed" if end else "",
                )
                placed = start <= AS_OF and (end is None or end > AS_OF)
            if counted and spec["registered"] <= AS_OF:
                expected.add("mobile_coverage", where, "", 1 if placed else 0, 1)
        if cat == "laid_off":
            registered = DAYS[0]
            archive = archive_register(
                community=communities[0], registered_on=registered, member=member
            )
            employed_on = None
            if spec["employed"] is not None:
                status, employed_on = spec["employed"]
                status_change(
                    archive=archive, to_status=status, changed_on=employed_on, employer="某单位"
                )
            closed = spec["closed"]
            if closed is not None and closed >= (employed_on or registered):
                archive_close(archive=archive, closed_on=closed, reason="other")
            else:
                closed = None
            is_open = closed is None or closed > AS_OF
            employed = employed_on is not None and employed_on <= AS_OF
            if counted and is_open:
                expected.add("reemployment_rate", where, "", 1 if employed else 0, 1)
                if employed:
                    expected.add("led_into_work", where, "", 0, 1)
            if employed_on is not None and spec["employed"][0] == "reemployed":
                # A re-employed leader may lead from the day they are in work until closed.
                for on in spec["leads"]:
                    if on >= employed_on and (closed is None or on < closed):
                        worker = archive_register(
                            community=communities[0], registered_on=DAYS[0], worker=_worker("工")
                        )
                        status_change(
                            archive=worker,
                            to_status="reemployed",
                            changed_on=on,
                            employer="某单位",
                            led_by=archive,
                        )
                        if counted and on <= AS_OF:
                            expected.add("led_into_work", where, "", 1, 0)
            leader_archives.append((archive, where))
    return orgs, expected


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(branches=tree_spec, specs=st.lists(member_spec, max_size=7))
def test_each_org_is_its_own_facts_plus_its_children(
    in_alpha: None, branches: list[int], specs: list[dict]
) -> None:
    try:
        with transaction.atomic():
            orgs, expected = _build_and_predict(branches, specs)
            compute_metrics(orgs[0], JUNE, today=TODAY, metrics=MINE)
            _check_sums(orgs, expected, JUNE)
            raise _Rollback
    except _Rollback:
        pass


def _check_sums(orgs: list[PartyOrg], expected: Expected, period: Period) -> None:
    children: dict[int, list[int]] = defaultdict(list)
    for org in orgs[1:]:
        children[org.parent_id].append(org.pk)  # type: ignore[index]
    stored = {
        (row.metric, row.org_id, row.breakdown): row
        for row in MetricSnapshot.objects.filter(
            org__in=orgs, metric__in=MINE, period_kind=period.kind.value, period_start=period.start
        )
    }
    for metric in MINE:
        keys = ("", *CATEGORIES) if metric in MINE[:2] else ("",)
        for org in orgs:
            for breakdown in keys:
                own = expected.rows.get((metric, org.pk, breakdown), [Decimal(0), Decimal(0)])
                below = [stored[metric, child, breakdown] for child in children[org.pk]]
                found = stored[metric, org.pk, breakdown]
                where = (metric, org.name, breakdown)
                assert found.numerator == own[0] + sum(f.numerator for f in below), where
                assert found.denominator == own[1] + sum(f.denominator for f in below), where
                assert (found.value is None) == (found.denominator == 0), where
