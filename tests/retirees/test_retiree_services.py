"""Retired-member rules in-process (rolled back): homes, building roles, interest teams, the
database's own guards, and deleting a member who holds such records."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.members.models import Member
from backend.retirees import services
from backend.retirees.models import (
    BuildingRole,
    HomeMembership,
    InterestTeam,
    InterestTeamMembership,
)
from tests.retirees.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")

TOMORROW = date.today() + timedelta(days=1)


@pytest.fixture
def world() -> World:
    return build_world("rets")


def _codes(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


def test_home_membership_rules(world: World) -> None:
    first = world.retired[0]
    membership = services.home_membership_create(
        home=world.home, member=first, joined_on=date(2020, 3, 1)
    )
    assert AuditEntry.objects.filter(
        action="retirees.home_membership.create", target_id=membership.pk
    ).exists()
    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_create(home=world.home, member=first, joined_on=date(2021, 1, 1))
    assert _codes(excinfo) == {("memberId", "OVERLAP")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_create(
            home=world.home, member=world.in_service, joined_on=date(2021, 1, 1)
        )
    assert _codes(excinfo) == {("memberId", "WRONG_CATEGORY")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_create(home=world.home, member=world.outsider, joined_on=TOMORROW)
    assert _codes(excinfo) == {("memberId", "NOT_IN_COMMUNITY"), ("joinedOn", "IN_FUTURE")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_create(
            home=world.home, member=world.retired[1], joined_on=date(2014, 12, 31)
        )
    assert _codes(excinfo) == {("joinedOn", "BEFORE_OPENED")}

    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_end(membership=membership, left_on=date(2020, 2, 1))
    assert _codes(excinfo) == {("leftOn", "END_BEFORE_START")}
    services.home_membership_end(membership=membership, left_on=date(2022, 1, 1))
    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_end(membership=membership, left_on=date(2022, 1, 1))
    assert _codes(excinfo) == {("id", "ALREADY_ENDED")}
    # Back again after leaving: a new period, not overlapping the old one.
    with pytest.raises(ValidationFailed) as excinfo:
        services.home_membership_create(home=world.home, member=first, joined_on=date(2022, 1, 1))
    assert _codes(excinfo) == {("memberId", "OVERLAP")}
    services.home_membership_create(home=world.home, member=first, joined_on=date(2022, 1, 2))
    assert HomeMembership.objects.filter(member=first).count() == 2


def test_home_overlap_is_refused_by_the_database_too(world: World) -> None:
    member = world.retired[0]
    HomeMembership.objects.create(member=member, home=world.home, joined_on=date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeMembership.objects.create(
            member=member, home=world.home, joined_on=date(2019, 1, 1), left_on=date(2020, 1, 1)
        )


def test_one_leader_per_building_group_at_a_time(world: World) -> None:
    a, b = world.retired[0], world.retired[1]
    role = services.building_role_create(
        member=a, role="group_leader", building_group=world.group1, start_on=date(2022, 1, 1)
    )
    assert role.community == world.community  # found above the building group
    with pytest.raises(ValidationFailed) as excinfo:
        services.building_role_create(
            member=b, role="group_leader", building_group=world.group1, start_on=date(2023, 1, 1)
        )
    assert _codes(excinfo) == {("buildingGroupId", "LEADER_TAKEN")}
    services.building_role_end(building_role=role, end_on=date(2023, 6, 30))
    with pytest.raises(ValidationFailed) as excinfo:  # the last day of a term is still its own
        services.building_role_create(
            member=b, role="group_leader", building_group=world.group1, start_on=date(2023, 6, 30)
        )
    assert _codes(excinfo) == {("buildingGroupId", "LEADER_TAKEN")}
    services.building_role_create(
        member=b, role="group_leader", building_group=world.group1, start_on=date(2023, 7, 1)
    )
    # A member may hold several roles at once.
    services.building_role_create(
        member=b, role="caretaker", building_group=world.group2, start_on=date(2023, 7, 1)
    )
    services.building_role_create(
        member=b,
        role="caretaker",
        community=world.community,
        building_label=" 3幢2单元 ",
        start_on=date(2023, 7, 1),
    )
    assert BuildingRole.objects.filter(member=b, end_on__isnull=True).count() == 3
    assert BuildingRole.objects.get(member=b, building_group=None).building_label == "3幢2单元"
    # The database refuses a second current leader even without the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingRole.objects.create(
            member=a,
            role="group_leader",
            community=world.community,
            building_group=world.group1,
            start_on=date(2024, 1, 1),
        )


def test_building_role_bad_input(world: World) -> None:
    member = world.retired[0]
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"role": "group_leader", "community": world.community}, ("buildingGroupId", "REQUIRED")),
        (
            {"role": "group_leader", "building_group": world.compound},
            ("buildingGroupId", "INVALID_ORG_KIND"),
        ),
        ({"role": "caretaker", "community": world.community}, ("buildingLabel", "REQUIRED")),
        ({"role": "caretaker", "building_label": "1幢"}, ("communityId", "REQUIRED")),
        (
            {"role": "caretaker", "community": world.compound, "building_label": "1幢"},
            ("communityId", "INVALID_ORG_KIND"),
        ),
        (
            {
                "role": "caretaker",
                "building_group": world.group1,
                "community": world.other_community,
            },
            ("communityId", "MISMATCH"),
        ),
        ({"role": "chairman", "building_group": world.group1}, ("role", "INVALID")),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationFailed) as excinfo:
            services.building_role_create(member=member, start_on=date(2022, 1, 1), **kwargs)
        assert expected in _codes(excinfo), kwargs
    with pytest.raises(ValidationFailed) as excinfo:
        services.building_role_create(
            member=world.in_service,
            role="caretaker",
            building_group=world.group1,
            start_on=TOMORROW,
        )
    assert _codes(excinfo) == {("memberId", "WRONG_CATEGORY"), ("startOn", "IN_FUTURE")}
    assert not BuildingRole.objects.filter(community=world.community).exists()


def test_interest_teams_and_dissolving_ends_memberships(world: World) -> None:
    team = services.interest_team_create(
        community=world.community,
        name=" 老年大学 ",
        kind="elder_university",
        founded_on=date(2018, 9, 1),
    )
    assert team.name == "老年大学"
    with pytest.raises(ValidationFailed) as excinfo:
        services.interest_team_create(
            community=world.compound, name="老年大学", kind="painting", founded_on=TOMORROW
        )
    assert _codes(excinfo) == {
        ("communityId", "INVALID_ORG_KIND"),
        ("kind", "INVALID"),
        ("foundedOn", "IN_FUTURE"),
    }
    with pytest.raises(ValidationFailed) as excinfo:
        services.interest_team_create(
            community=world.community, name="老年大学", kind="other", founded_on=date(2019, 1, 1)
        )
    assert _codes(excinfo) == {("name", "DUPLICATE")}

    leader = services.interest_team_membership_create(
        team=team, member=world.retired[0], joined_on=date(2019, 1, 1), role="leader"
    )
    with pytest.raises(ValidationFailed) as excinfo:
        services.interest_team_membership_create(
            team=team, member=world.retired[1], joined_on=date(2020, 1, 1), role="leader"
        )
    assert _codes(excinfo) == {("role", "LEADER_TAKEN")}
    with pytest.raises(ValidationFailed) as excinfo:
        services.interest_team_membership_create(
            team=team, member=world.retired[1], joined_on=date(2018, 1, 1)
        )
    assert _codes(excinfo) == {("joinedOn", "BEFORE_FOUNDED")}
    late = services.interest_team_membership_create(
        team=team, member=world.retired[1], joined_on=date(2023, 5, 1)
    )

    # Atomic: a dissolution date before a current member joined changes nothing at all.
    with pytest.raises(ValidationFailed) as excinfo:
        services.interest_team_dissolve(team=team, dissolved_on=date(2022, 1, 1))
    assert _codes(excinfo) == {("dissolvedOn", "END_BEFORE_START")}
    assert InterestTeamMembership.objects.filter(team=team, left_on__isnull=True).count() == 2
    assert InterestTeam.objects.get(pk=team.pk).dissolved_on is None

    services.interest_team_dissolve(team=team, dissolved_on=date(2024, 1, 1))
    leader.refresh_from_db()
    late.refresh_from_db()
    assert leader.left_on == late.left_on == date(2024, 1, 1)
    with pytest.raises(ValidationFailed) as excinfo:
        services.interest_team_membership_create(
            team=team, member=world.retired[2], joined_on=date(2024, 2, 1)
        )
    assert _codes(excinfo) == {("teamId", "DISSOLVED")}
    # The name is free again once the old team is dissolved.
    services.interest_team_create(
        community=world.community,
        name="老年大学",
        kind="elder_university",
        founded_on=date(2024, 2, 1),
    )


def test_deleting_a_member_with_these_records_works(world: World) -> None:
    member = world.retired[3]
    services.home_membership_create(home=world.home, member=member, joined_on=date(2020, 1, 1))
    services.building_role_create(
        member=member, role="group_leader", building_group=world.group2, start_on=date(2021, 1, 1)
    )
    team = services.interest_team_create(
        community=world.community, name="护绿队", kind="greening", founded_on=date(2019, 1, 1)
    )
    services.interest_team_membership_create(team=team, member=member, joined_on=date(2020, 1, 1))
    Member.objects.filter(pk=member.pk).delete()
    assert not HomeMembership.objects.filter(member_id=member.pk).exists()
    assert not BuildingRole.objects.filter(member_id=member.pk).exists()
    assert not InterestTeamMembership.objects.filter(member_id=member.pk).exists()
    assert InterestTeam.objects.filter(pk=team.pk).exists()
