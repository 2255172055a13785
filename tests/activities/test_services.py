"""Activity services in process: pairs and councils an activity happened under, the link from
the in-service activity card, and the database's last line."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from backend.activities.models import Activity, VolunteerTeam, VolunteerTeamMembership
from backend.activities.services.activity import ActivityData, activity_create, activity_update
from backend.cobuilding.models import CoBuildingPair
from backend.common.validation import ValidationFailed
from backend.councils.models import Council, CouncilMembership
from backend.in_service.models import Reporter
from backend.in_service.services.activity import EntryData, entries_record
from tests.activities.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")


@pytest.fixture
def world(in_alpha: None) -> World:
    return build_world("服务", date(1975, 5, 5))


def _codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in exc.value.errors}


def test_under_a_pair(world: World) -> None:
    c1, c2 = world.communities
    pair = CoBuildingPair.objects.create(
        a_org=c1, b_unit=world.unit, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)
    )
    # Either side may organise, the unit through its covering org.
    for org in (c1, world.unit_org):
        activity = activity_create(
            data=ActivityData(org=org, title="共建", occurred_on=date(2024, 5, 1), pair=pair)
        )
        assert activity.pair == pair
    with pytest.raises(ValidationFailed) as outside:
        activity_create(
            data=ActivityData(org=c2, title="共建", occurred_on=date(2025, 5, 1), pair=pair)
        )
    assert _codes(outside) == {("pairId", "NOT_A_PARTY"), ("pairId", "OUTSIDE_PERIOD")}
    # Moving the activity out of the pair's period is refused too.
    with pytest.raises(ValidationFailed) as moved:
        activity_update(activity=activity, changes={"occurred_on": date(2023, 12, 31)})
    assert _codes(moved) == {("pairId", "OUTSIDE_PERIOD")}


def test_under_a_council(world: World) -> None:
    c1, c2 = world.communities
    council = Council.objects.create(
        kind="community_joint_meeting", name="联席会", host_org=c1, established_on=date(2024, 1, 1)
    )
    CouncilMembership.objects.create(council=council, unit=world.unit, joined_on=date(2024, 3, 1))
    on = date(2024, 6, 1)
    assert activity_create(data=ActivityData(org=c1, title="会", occurred_on=on, council=council))
    # A member unit's covering org organises under the council from its joining day.
    by_member = ActivityData(org=world.unit_org, title="会", occurred_on=on, council=council)
    assert activity_create(data=by_member).council == council
    with pytest.raises(ValidationFailed) as early:
        activity_create(
            data=ActivityData(
                org=world.unit_org, title="会", occurred_on=date(2024, 2, 1), council=council
            )
        )
    assert _codes(early) == {("councilId", "NOT_A_MEMBER")}
    with pytest.raises(ValidationFailed) as other:
        activity_create(data=ActivityData(org=c2, title="会", occurred_on=on, council=council))
    assert _codes(other) == {("councilId", "NOT_A_MEMBER")}
    pair = CoBuildingPair.objects.create(
        a_org=c1, b_org=c2, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)
    )
    with pytest.raises(ValidationFailed) as both:
        activity_create(
            data=ActivityData(org=c1, title="会", occurred_on=on, council=council, pair=pair)
        )
    assert _codes(both) == {("councilId", "PAIR_AND_COUNCIL")}


def test_in_service_entry_names_its_activity(world: World) -> None:
    activity = Activity.objects.create(
        org=world.communities[0], title="社区服务", occurred_on=date(2025, 1, 5)
    )
    worker = world.members["worker"]
    reporter = Reporter.objects.create(
        community=world.communities[0], kind="local", member=worker, name=worker.name
    )
    data = EntryData(
        occurred_on=date(2025, 1, 5),
        title="社区服务",
        kind="activity",
        hours=Decimal("2"),
        activity=activity,
    )
    [entry] = entries_record(reporters=[reporter], data=data)
    assert entry.activity == activity
    with pytest.raises(ValidationFailed) as mismatch:
        entries_record(
            reporters=[reporter],
            data=EntryData(
                occurred_on=date(2025, 1, 6),
                title="x",
                kind="activity",
                hours=Decimal(1),
                activity=activity,
            ),
        )
    assert _codes(mismatch) == {("occurredOn", "DATE_MISMATCH")}


def test_database_constraints(world: World) -> None:
    team = VolunteerTeam.objects.create(
        org=world.communities[0], name="队", founded_on=date(2024, 1, 1)
    )
    member = world.members["c1a"]
    VolunteerTeamMembership.objects.create(
        team=team, member=member, joined_on=date(2024, 1, 1), left_on=date(2024, 6, 30)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerTeamMembership.objects.create(
            team=team, member=member, joined_on=date(2024, 6, 30)
        )
    theme_without_campaign = Activity(
        org=world.communities[0], title="x", occurred_on=date(2024, 1, 1), theme_id=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        theme_without_campaign.save()
