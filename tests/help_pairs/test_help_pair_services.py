"""Help-pair rules in-process (rolled back): households, pairs, visits, the database's guards and
deleting a member who helps a household."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from backend.common.validation import ValidationFailed
from backend.help_pairs import selectors, services
from backend.help_pairs.models import HelpPair, HelpVisit, Household
from backend.members.models import Member
from tests.help_pairs.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")

TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def world() -> World:
    return build_world("hps")


def _codes(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


def _household(world: World, **overrides: object) -> Household:
    values: dict[str, object] = {
        "community": world.community,
        "head_name": "王大妈",
        "kind": "lonely_elderly",
        "address": "幸福小区3幢2单元",
        "registered_on": date(2023, 1, 10),
        "phone": "13912345678",
        "size": 1,
    }
    values.update(overrides)
    return services.household_register(data=services.HouseholdData(**values))  # type: ignore[arg-type]


def test_household_phone_is_sealed(world: World) -> None:
    household = _household(world)
    assert household.phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone_encrypted, phone_hash FROM help_pairs_household WHERE id = %s",
            [household.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    assert "13912345678" not in "".join(row)


def test_household_bad_input(world: World) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        _household(
            world,
            community=world.branch,
            head_name=" ",
            kind="rich",
            address="3幢2单元301室",
            phone="12345",
            size=0,
            registered_on=TOMORROW,
        )
    assert _codes(excinfo) == {
        ("communityId", "INVALID_ORG_KIND"),
        ("headName", "REQUIRED"),
        ("kind", "INVALID"),
        ("address", "TOO_PRECISE"),
        ("phone", "INVALID"),
        ("size", "INVALID"),
        ("registeredOn", "IN_FUTURE"),
    }
    assert not Household.objects.filter(community__in=[world.community, world.branch]).exists()


def test_pairs_visits_and_closing(world: World) -> None:
    household = _household(world)
    helper, other = world.members[0], world.members[1]  # a retired and an in-service member
    pair = services.pair_create(household=household, member=helper, start_on=date(2023, 2, 1))
    services.pair_create(household=household, member=other, start_on=date(2023, 2, 1))
    with pytest.raises(ValidationFailed) as excinfo:
        services.pair_create(household=household, member=helper, start_on=date(2023, 3, 1))
    assert _codes(excinfo) == {("memberId", "ALREADY_PAIRED")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.pair_create(
            household=household, member=world.members[2], start_on=date(2023, 1, 1)
        )
    assert _codes(excinfo) == {("startOn", "BEFORE_REGISTERED")}
    # The same member may help several households.
    second = _household(world, head_name="李师傅", kind="laid_off_worker")
    services.pair_create(household=second, member=helper, start_on=date(2023, 2, 1))

    visit = services.visit_log(
        pair=pair,
        data=services.VisitData(
            visited_on=date(2023, 3, 1), kind="money", hours=Decimal("1.5"), amount=Decimal("500")
        ),
    )
    assert visit.amount == Decimal("500")
    bad_visits = [
        (
            services.VisitData(visited_on=date(2023, 1, 1), kind="visit"),
            ("visitedOn", "OUTSIDE_PAIR"),
        ),
        (services.VisitData(visited_on=TOMORROW, kind="visit"), ("visitedOn", "IN_FUTURE")),
        (services.VisitData(visited_on=date(2023, 4, 1), kind="money"), ("amount", "REQUIRED")),
        (
            services.VisitData(visited_on=date(2023, 4, 1), kind="visit", hours=Decimal("-1")),
            ("hours", "INVALID"),
        ),
        (
            services.VisitData(
                visited_on=date(2023, 4, 1), kind="material", amount=Decimal("0.001")
            ),
            ("amount", "INVALID"),
        ),
        (services.VisitData(visited_on=date(2023, 4, 1), kind="party"), ("kind", "INVALID")),
    ]
    for data, expected in bad_visits:
        with pytest.raises(ValidationFailed) as excinfo:
            services.visit_log(pair=pair, data=data)
        assert _codes(excinfo) == {expected}, data
    assert HelpVisit.objects.filter(pair__household=household).count() == 1

    with pytest.raises(ValidationFailed) as excinfo:
        services.pair_end(pair=pair, end_on=date(2023, 2, 15), end_reason="reassigned")
    assert _codes(excinfo) == {("endOn", "VISITS_AFTER_END")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.pair_end(pair=pair, end_on=date(2023, 5, 1), end_reason="bored")
    assert _codes(excinfo) == {("endReason", "INVALID")}
    services.pair_end(pair=pair, end_on=date(2023, 5, 1), end_reason="reassigned")
    # A new period after the old one ended is fine; one overlapping it is not.
    with pytest.raises(ValidationFailed) as excinfo:
        services.pair_create(household=household, member=helper, start_on=date(2023, 5, 1))
    assert _codes(excinfo) == {("memberId", "ALREADY_PAIRED")}
    services.pair_create(household=household, member=helper, start_on=date(2023, 5, 2))

    # Closing: refused atomically when a pair began after the date, else ends every pair.
    with pytest.raises(ValidationFailed) as excinfo:
        services.household_close(household=household, closed_on=date(2023, 5, 1))
    assert _codes(excinfo) == {("closedOn", "END_BEFORE_START")}
    assert HelpPair.objects.filter(household=household, end_on__isnull=True).count() == 2
    services.household_close(household=household, closed_on=date(2023, 12, 31))
    ends = set(HelpPair.objects.filter(household=household).values_list("end_on", "end_reason"))
    assert ends == {(date(2023, 5, 1), "reassigned"), (date(2023, 12, 31), "household_closed")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.pair_create(household=household, member=world.members[3], start_on=TODAY)
    assert _codes(excinfo) == {("householdId", "CLOSED")}


def test_gap_list_and_not_visited_filter(world: World) -> None:
    helped, alone = _household(world), _household(world, head_name="赵爷爷")
    pair = services.pair_create(
        household=helped, member=world.members[0], start_on=date(2023, 2, 1)
    )
    gaps = selectors.household_list(within=world.street, without_active_pair=True)
    assert list(gaps) == [alone]
    assert list(selectors.pair_list(within=world.street, not_visited_in_days=30)) == [pair]
    services.visit_log(
        pair=pair, data=services.VisitData(visited_on=TODAY - timedelta(days=10), kind="visit")
    )
    assert list(selectors.pair_list(within=world.street, not_visited_in_days=30)) == []
    assert list(selectors.pair_list(within=world.street, not_visited_in_days=5)) == [pair]


def test_the_database_refuses_a_duplicate_active_pair(world: World) -> None:
    household = _household(world)
    HelpPair.objects.create(household=household, member=world.members[0], start_on=date(2023, 2, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpPair.objects.create(
            household=household, member=world.members[0], start_on=date(2023, 3, 1)
        )


def test_deleting_a_member_with_pairs_and_visits_works(world: World) -> None:
    household = _household(world)
    member = world.members[4]
    pair = services.pair_create(household=household, member=member, start_on=date(2023, 2, 1))
    services.visit_log(
        pair=pair, data=services.VisitData(visited_on=date(2023, 3, 1), kind="visit")
    )
    Member.objects.filter(pk=member.pk).delete()
    assert not HelpPair.objects.filter(pk=pair.pk).exists()
    assert not HelpVisit.objects.filter(pair_id=pair.pk).exists()
    assert Household.objects.filter(pk=household.pk).exists()
