"""活动参与 import kind: activity by its number or global ID, member by ID number, hours rules,
scope and re-import."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from backend.access.scopes import Access
from backend.activities.models import Activity, ActivityParticipation
from backend.activities.services.activity import ActivityData, activity_cancel, activity_create
from backend.imports.kinds.participation import PARTICIPATION
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from tests.conftest import global_id
from tests.imports.kind_runner import context, run

pytestmark = pytest.mark.usefixtures("in_alpha")

REGION = "520102"
TODAY = date.today()


def org(code: str) -> PartyOrg:
    return PartyOrg.objects.get(code=f"alpha-{code}")


def id_number(sequence: int) -> str:
    return make_id_number(REGION, date(1966, 3, 4), sequence)


def new_member(sequence: int, org_code: str = "s1-c1-b1", **fields: Any) -> Member:
    return member_create(
        data=MemberData(
            name=f"参与党员{sequence}",
            id_number=id_number(sequence),
            education="bachelor",
            joined_on=date(1990, 7, 1),
            status="full",
            category=fields.pop("category", "community"),
            org=org(org_code),
            **fields,
        )
    )


def new_activity(org_code: str = "s1-c1", on: date = TODAY - timedelta(days=3)) -> Activity:
    return activity_create(data=ActivityData(org=org(org_code), title="清洁家园", occurred_on=on))


HOURS = "服务时长（小时）"


def part_row(
    activity: Activity | str, sequence: int, hours: Any = None, **cells: Any
) -> dict[str, Any]:
    ref = str(activity.pk) if isinstance(activity, Activity) else activity
    row = {"活动编号": ref, "公民身份号码": id_number(sequence), **cells}
    if hours is not None:
        row[HOURS] = hours
    return row


def hours_of(activity: Activity, sequence: int) -> Decimal:
    return ActivityParticipation.objects.get(
        activity=activity, member__name=f"参与党员{sequence}"
    ).hours


def test_participation_by_activity_number_or_global_id_with_hours():
    activity = new_activity()
    for n in (1, 2, 3):
        new_member(n)
    gid = global_id("Activity", "alpha", activity.pk)
    rows = [
        part_row(activity, 1, hours="1.5", 姓名="参与党员1", 活动名称="清洁家园"),
        part_row(gid, 2, hours=2),
        part_row(activity, 3),  # no hours: 0
    ]
    outcome = run(PARTICIPATION, rows)
    assert outcome.issues == []
    assert outcome.counts.created == 3
    assert [hours_of(activity, n) for n in (1, 2, 3)] == [Decimal("1.5"), Decimal(2), Decimal(0)]
    assert set(activity.participations.values_list("occurred_on", flat=True)) == {
        activity.occurred_on
    }

    again = run(PARTICIPATION, rows)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    rows[0][HOURS] = 3
    rows[1].pop(HOURS)  # no hours for an existing participation: kept
    changed = run(PARTICIPATION, rows)
    assert (changed.counts.updated, changed.counts.unchanged) == (1, 2)
    assert [hours_of(activity, n) for n in (1, 2)] == [Decimal(3), Decimal(2)]
    assert activity.participations.count() == 3


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({HOURS: 25}, HOURS, "OUT_OF_RANGE"),
        ({HOURS: "1.25"}, HOURS, "INVALID"),
        ({HOURS: "两小时"}, HOURS, "INVALID"),
        ({"姓名": "别人"}, "姓名", "MISMATCH"),
        ({"活动名称": "别的活动"}, "活动名称", "MISMATCH"),
        ({"活动编号": "999999999"}, "活动编号", "NOT_FOUND"),
        ({"活动编号": "不是编号"}, "活动编号", "NOT_FOUND"),
        ({"公民身份号码": id_number(9)}, "公民身份号码", "NOT_FOUND"),
    ],
)
def test_each_participation_rule_reports_its_cell(cells, column, code):
    activity = new_activity()
    new_member(1)
    new_member(2)
    outcome = run(PARTICIPATION, [{**part_row(activity, 1), **cells}, part_row(activity, 2)])
    assert outcome.codes() == {(2, column, code)}
    assert outcome.counts.created == 1


def test_another_districts_activity_id_is_not_found():
    activity = new_activity()
    new_member(1)
    foreign = global_id("Activity", "beta", activity.pk)
    outcome = run(PARTICIPATION, [part_row(foreign, 1)])
    assert outcome.codes() == {(2, "活动编号", "NOT_FOUND")}


def test_cancelled_and_future_activities():
    cancelled = activity_cancel(activity=new_activity())
    upcoming = new_activity(on=TODAY + timedelta(days=7))
    new_member(1)
    outcome = run(
        PARTICIPATION,
        [
            part_row(cancelled, 1),
            part_row(upcoming, 1, hours=2),
        ],
    )
    assert outcome.codes() == {(2, "活动编号", "ALREADY_CANCELLED"), (3, HOURS, "IN_FUTURE")}
    # Signing a member up before the activity, without hours, is fine.
    assert run(PARTICIPATION, [part_row(upcoming, 1)]).counts.created == 1


def test_duplicates_in_the_file_by_activity_and_member():
    activity = new_activity()
    new_member(1)
    gid = global_id("Activity", "alpha", activity.pk)
    outcome = run(PARTICIPATION, [part_row(activity, 1), part_row(gid, 1, hours=1)])
    assert outcome.codes() == {(3, "公民身份号码", "DUPLICATE_IN_FILE")}
    assert outcome.by_row(3)[0].message == "与第 2 行重复。"


def test_an_org_admin_registers_only_their_activities_and_members_they_see():
    ours, read_only, unseen = new_activity("s1-c1"), new_activity("s1-u1"), new_activity("s2")
    new_member(1)
    new_member(2, "s2-t1")  # outside the admin's sight
    # An in-service member of another street who lives in the admin's community takes part there.
    new_member(3, "s2-t1", category="in_service", residence_community=org("s1-c1"))
    ctx = context(Access(read_paths=(org("s1").path,), write_paths=(org("s1-c1").path,)))
    outcome = run(
        PARTICIPATION,
        [
            part_row(ours, 1),
            part_row(read_only, 1),
            part_row(unseen, 1),
            part_row("999999999", 1),
            part_row(ours, 2),
            part_row(ours, 9),  # nobody has this number
            part_row(ours, 3),
        ],
        ctx,
    )
    assert outcome.codes() == {
        (3, "活动编号", "FORBIDDEN"),
        (4, "活动编号", "NOT_FOUND"),
        (5, "活动编号", "NOT_FOUND"),
        (6, "公民身份号码", "NOT_FOUND"),
        (7, "公民身份号码", "NOT_FOUND"),
    }
    assert outcome.by_row(4)[0].message == outcome.by_row(5)[0].message
    assert outcome.by_row(6)[0].message == outcome.by_row(7)[0].message
    assert outcome.counts.created == 2
    assert ours.participations.count() == 2
